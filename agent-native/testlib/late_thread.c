/* libcrashcaplate.so: a JNI library that ThreadStartApp loads only after the agent armed, whose thread
 * overflows its stack as soon as it starts. crashcap must have hooked this library's pthread_create
 * when libjvm loaded it (issue 9, item 4). Built like libcrashcaptest.so. */
#define _GNU_SOURCE 1
#include <jni.h>
#include <pthread.h>

#define EXPORT __attribute__((visibility("default"), noinline))

static volatile int sink;

/* Unbounded recursion; the volatile frame keeps each call real. */
EXPORT int crashcaplate_recurse(int depth) {
    volatile char frame[64];
    frame[depth & 63] = (char)depth;
    int result = crashcaplate_recurse(depth + 1);
    return result + frame[(depth + 1) & 63];
}

EXPORT void *crashcaplate_thread_main(void *unused) {
    pthread_setname_np(pthread_self(), "cc-late");
    sink = crashcaplate_recurse(0);
    return unused;
}

EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_ThreadStartApp_lateOverflowNewThread(JNIEnv *env, jclass cls,
                                                                                             jint stack_kib) {
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, (size_t)stack_kib * 1024);
    if (pthread_create(&thread, &attributes, crashcaplate_thread_main, NULL) == 0) pthread_join(thread, NULL);
    pthread_attr_destroy(&attributes);
}
