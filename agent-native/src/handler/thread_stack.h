/* One thread's stack (thread_stack) at the moment of a capture: its frames, native and Java in stack order
 * (stack_walk.h), taken by the thread itself inside a signal handler, into memory the capture owner prepared. */
#ifndef CRASHCAP_THREAD_STACK_H
#define CRASHCAP_THREAD_STACK_H

#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>

#include "java_frames.h"
#include "stack_memory.h"
#include "stack_walk.h"
#include "unwind.h"
#include "virtual_thread.h"

#define STACK_FRAMES 256              /* native and Java frames together */
#define STACK_JAVA_FRAMES 128         /* AsyncGetCallTrace's frames asked for */

/* STACK_EXITED: the thread was listed, then ended before it could answer (the capture owner saw it gone). */
enum { STACK_REQUESTED = 0, STACK_TAKING, STACK_DONE, STACK_FAULTED, STACK_EXITED };

typedef struct {
    atomic_int state;
    int tid;
    int crashed;                  /* crashed itself while the capture ran: the stack is of its crash */
    int signal;                   /* for crashed threads */
    int signal_code;
    uintptr_t signal_address;
    uintptr_t sp;
    int frame_count;
    const char *native_stop;      /* why the walk ended */
    int java_status;              /* java_frames_take's result: why there are no Java frames */
    int java_unplaced;            /* stack_walk.h */
    int hotspot_state;            /* HotSpot's JavaThreadState when the signal came, -1 if unknown */
    int thread_status;            /* its java.lang.Thread's threadStatus then (java_thread_status.h), -1 if unknown */
    int vthread_mounted;          /* 1: a virtual thread was mounted on this (carrier) thread, named in vthread;
                                   * -1: one may have been, but could not be read (virtual_thread_read) */
    java_thread_object vthread;
    stack_memory memory;          /* its registers and the top of its stack, for minidumps (stack_memory.h) */
    stack_frame frames[STACK_FRAMES]; /* innermost first */
    volatile sig_atomic_t guard_active;
    sigjmp_buf guard;             /* a fault while taking the stack comes back here */
} thread_stack;

typedef struct {
    thread_stack *items;       /* sorted by tid */
    int count;
    int answered;
} thread_stack_set;

/* Takes the calling thread's stack from ucontext (in a signal handler). */
void thread_stack_take(thread_stack *stack, const unwind_context *context, void *ucontext);

/* Capture owner: lists the process's threads, asks each but itself to take its own stack (a signal),
 * and waits until all answered or the deadline passed. Storage is mapped here (a crash is the one
 * time it is needed). Returns 0, or -1 when nothing could be collected. */
int thread_stack_collect_all(const unwind_context *context, int self_tid, int service_signal,
                         int64_t deadline_ns, thread_stack_set *out);

/* After a live snapshot: gives back what thread_stack_collect_all mapped. If a thread is still inside its
 * handler (it answered so late that it was still writing when the request closed), the memory is kept
 * until a later collection finds nobody inside: a dump never unmaps memory a thread may write into. */
void thread_stack_release(thread_stack_set *set);

/* In the service signal handler: if a capture asked this thread for its stack, takes it and
 * returns 1; else 0. */
int thread_stack_answer_request(void *ucontext);

/* A thread that crashes while another one captures: records its own crash and stack in its own slot
 * of the open request, so that the bundle shows it as crashed with its own signal. The caller blocks
 * the service signal first (else the thread might answer it from inside its crash handler).
 * Returns 1 if recorded, 0 when no request is open (yet), -1 when this thread has no slot to write
 * (not listed, or it answered already). */
int thread_stack_record_crash(int sig, siginfo_t *info, void *ucontext);

/* In the crash handler, first thing: a fault inside thread_stack_take on this thread jumps back to it. */
void thread_stack_recover_from_nested_fault(int sig);

#endif
