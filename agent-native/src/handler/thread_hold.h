/* Threads held inside crashcap's signal handlers while a crash is captured and handed over to the JVM.
 *
 * Asking every thread for its stack (the service signal) interrupts what it was doing in the kernel:
 * nanosleep, poll, epoll_wait and the like return EINTR however the signal was installed (signal(7)),
 * and sleep(3) returns early. A thread that then ran on could end the process while the crash is
 * still being reported (main returns from an interrupted sleep: exit status 0, no hs_err). So during a
 * crash, a thread that answered, or that crashed too, stays in its handler until the process ends. It
 * is let go only when the process goes on (the JVM's handler returned: it handled the signal after
 * all) or when HOLD_BOUND has passed since the crash. */
#ifndef CRASHCAP_THREAD_HOLD_H
#define CRASHCAP_THREAD_HOLD_H

#include <stdint.h>

/* Capture owner, before it signals anyone: from now on thread_hold_here holds. */
void thread_hold_begin(void);

/* Lets every held thread go (the process goes on). */
void thread_hold_release(void);

/* In a signal handler: returns at once when no hold is on or the calling thread is exempt; otherwise
 * waits until the hold is released or its bound passes. Async-signal-safe (futex, clock_gettime). */
void thread_hold_here(void);

/* One part of thread_hold_here, for a holder that has something to do meanwhile: waits until the hold
 * is released, its bound passes, thread_hold_nudge is called, or 100 ms pass. Returns 1 while the hold
 * is still on for the calling thread, 0 when it is over. */
int thread_hold_wait(void);

/* Wakes every held thread once, to look again (a capture's request just opened). */
void thread_hold_nudge(void);

/* The calling thread is never held: crashcap's resolver, which the capture itself needs. */
void thread_hold_exempt_current_thread(void);

#endif
