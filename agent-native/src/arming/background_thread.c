#include "background_thread.h"

#include <pthread.h>

int background_thread_start(void *(*main)(void *), size_t stack_bytes) {
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, stack_bytes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    int failed = pthread_create(&thread, &attributes, main, NULL);
    pthread_attr_destroy(&attributes);
    return failed ? -1 : 0;
}
