/* A stack overflow that only crashcap made reportable. Without crashcap the kernel must push the signal
 * frame onto the thread's own stack (HotSpot's handlers never ask for an alternate stack, whoever
 * installed one); when that stack is exhausted it cannot, and the process is killed by SIGSEGV at once:
 * no handler runs, HotSpot writes no hs_err, the exit status is 139. With crashcap's handler (SA_ONSTACK)
 * and alternate stack, it does run. To end such a crash exactly as it would have ended without
 * crashcap, the handler captures the bundle and then lets the signal's default action kill the process,
 * instead of handing the signal to the JVM (which would write hs_err and abort: exit 134). */
#ifndef CRASHCAP_STACK_EXHAUSTION_H
#define CRASHCAP_STACK_EXHAUSTION_H

#include <signal.h>

/* Install time: the size of the kernel's signal frame (getauxval(AT_MINSIGSTKSZ); 0 if unknown). */
void stack_exhaustion_prepare(unsigned long signal_frame_bytes);

/* 0 if this signal cannot be the stack running out: not SIGSEGV/SIGBUS, sent rather than raised by a
 * fault, or a fault address far from the interrupted stack pointer (HotSpot's implicit null checks and
 * safepoint polls). A few comparisons and no system call: the pass-through path of crash_handler asks
 * this for every signal. 1 means only that stack_exhaustion_fatal_without_us must look. */
int stack_exhaustion_possible(int sig, const siginfo_t *info, const void *ucontext);

/* 1 if this fault would have killed the process without crashcap: the memory the kernel needs below the
 * interrupted stack pointer for a signal frame is not writable, and the handler that would have run
 * without crashcap could not have used an alternate stack instead: it was installed without SA_ONSTACK
 * (HotSpot's are), or the only alternate stack the thread has is the one crashcap gave it.
 * Async-signal-safe. */
int stack_exhaustion_fatal_without_us(int sig, const siginfo_t *info, const void *ucontext, int previous_on_altstack);

#endif
