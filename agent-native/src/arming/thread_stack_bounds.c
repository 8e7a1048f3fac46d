#include <pthread.h>

#include "thread_registry.h"

/* Arming side of the thread registry (JVMTI ThreadStart, arming): pthread_getattr_np may allocate. */
void thread_registry_set_own_stack(thread_slot *slot) {
    pthread_attr_t attributes;
    if (pthread_getattr_np(pthread_self(), &attributes) != 0) return;
    void *low = NULL;
    size_t size = 0;
    if (pthread_attr_getstack(&attributes, &low, &size) == 0) {
        slot->stack_low = (uintptr_t)low;
        slot->stack_high = (uintptr_t)low + size;
    }
    pthread_attr_destroy(&attributes);
}
