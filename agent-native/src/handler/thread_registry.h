/* What crashcap knows about each thread, by tid: its Java name, its java.lang.Thread (for the state),
 * the alternate signal stack crashcap gave it. Written outside signal handlers (JVMTI thread events,
 * arming, the sweep) and by a thread about itself; read inside handlers without locks. */
#ifndef CRASHCAP_THREAD_REGISTRY_H
#define CRASHCAP_THREAD_REGISTRY_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "sys.h" /* current_tid */

#define THREAD_NAME_MAX 64 /* longer names are cut here; the resolver gives the whole name at a capture */

typedef struct {
    atomic_int tid;               /* THREAD_SLOT_EMPTY, THREAD_SLOT_FREED, or the owner's tid */
    atomic_int name_ready;        /* name holds the Java name */
    char name[THREAD_NAME_MAX];
    void *java_thread;            /* a JNI global reference to the java.lang.Thread, or NULL */
    _Atomic uintptr_t vm_thread;  /* its JavaThread* (java.lang.Thread.eetop), checked to be this tid's; 0 if unknown */
    int daemon;                   /* the Java daemon flag: 1, 0, or -1 when unknown */
    void *altstack;               /* the alternate signal stack crashcap mapped for it, or NULL */
    size_t altstack_bytes;        /* including its guard pages */
    uintptr_t stack_low;          /* the thread's stack as pthread knows it (0 when not known) */
    uintptr_t stack_high;
} thread_slot;

enum { THREAD_SLOT_EMPTY = 0, THREAD_SLOT_FREED = -1 };

/* The slot of tid, claimed if it has none. NULL only when the table is full. Not for signal handlers
 * of other threads: claim only your own tid, or from the single sweep thread. */
thread_slot *thread_registry_claim(int tid);

/* The slot of tid, or NULL. Async-signal-safe. */
thread_slot *thread_registry_find(int tid);

/* Gives the slot back (the thread ended). */
void thread_registry_free(thread_slot *slot);

void thread_registry_set_name(thread_slot *slot, const char *name);

/* Records the calling thread's stack bounds from pthread (arming/thread_stack_bounds.c; not from a
 * signal handler: pthread_getattr_np may allocate). */
void thread_registry_set_own_stack(thread_slot *slot);

/* The Java daemon flag of tid: 1, 0, or -1 when crashcap knows none. Async-signal-safe. */
int thread_registry_daemon(int tid);

/* Copies the Java name of tid into out and returns 1, or returns 0 when crashcap knows no Java name for
 * it. Async-signal-safe. */
int thread_registry_java_name(int tid, char *out, size_t size);

/* Slots that are not empty: claimed ones and tombstones. A lookup of a tid crashcap does not know reads
 * up to the next empty slot, so this bounds its cost (tests and benchmarks). */
size_t thread_registry_slots_used(void);

/* Calls visit for every claimed slot (for the sweep's clean-up and for resolving states). */
void thread_registry_each(void (*visit)(thread_slot *slot, void *arg), void *arg);

/* The kernel's name of the thread (/proc/self/task/<tid>/comm: 15 characters at most; HotSpot sets it
 * to the start of the Java name). Async-signal-safe. Returns the length, 0 if unknown. */
size_t thread_comm_name(int tid, char *out, size_t size);

/* The kernel's one-letter state of the thread (R, S, D, T, Z, ...), '?' if unknown. Async-signal-safe. */
char thread_kernel_state(int tid);

#endif
