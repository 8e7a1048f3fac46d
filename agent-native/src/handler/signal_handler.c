/* The fatal-signal hook, and the whole chain of a crash in one place.
 *
 * Arming (arming/jni_bridge.c, a JNI thread, long before): capture_prepare reserves memory and renders
 * the header; the resolver thread and the thread sweep start; every thread gets an alternate signal
 * stack (service signal); signal_install.c saves the previous handlers in crash_chain and installs
 * crash_handler for SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT (SA_ONSTACK, with the previous handler's
 * signal mask minus the error signals: the JVM's handler, called from ours, runs with the mask it has alone).
 *
 * A crash, on the faulting thread, on its alternate stack (so a stack overflow can still be reported):
 *   crash_handler (the JVM's everyday signals take a shortcut to step 2 when steps 1 and the stack overflow
 *   check cannot apply: no capture or snapshot runs, the fault is far from the stack pointer; see there)
 *   1. *_recover_from_nested_fault: was this fault raised inside one of our own guarded steps on this
 *      thread? Then siglongjmp back to that step's guard (see below); nothing else runs.
 *   2. JVM_handle_linux_signal(sig, info, uc, 0): HotSpot's everyday signals (implicit null checks,
 *      safepoint polls, stack banging, deopt traps) end here, handled, and we return. Not asked for a
 *      stack overflow that only our alternate stack let the kernel deliver (stack_exhaustion.c): such a
 *      crash is captured and then ends by the signal's default action, as it would without crashcap.
 *   3. capture_once: the first thread to get here owns the capture and runs capture_write (capture.c):
 *      crash facts, /proc/self/maps and modules, the crashing thread unwound from its ucontext, then
 *      every other thread: thread_stack_collect_all sends each the service signal and each unwinds
 *      itself in service_signal_handler -> thread_stack_take (own stack or altstack, own ucontext,
 *      AsyncGetCallTrace), with a 500 ms deadline; Java names come from the resolver thread over a
 *      pipe (java_resolver_request.c, 1 s); modules and library loads; fsync; "end complete".
 *      A thread that crashes meanwhile records its own stack (capture_record_also_crashed) and is held;
 *      so is every thread that answered the service signal (thread_hold.c): none runs on before the end.
 *      A crash while a live snapshot (crashcap dump) runs records itself in the snapshot the same way, waits
 *      for the snapshot to end (they share the buffers), and then captures (wait_for_snapshot).
 *   4. hand_over: to the handler that was there before (HotSpot's: it writes hs_err and calls abort(),
 *      whose SIGABRT may come back here: it finds CAPTURE_DONE and goes straight to step 4), or, with none,
 *      the default action restored and the signal raised again: the process ends as it would have, the held
 *      threads with it. Only if the previous handler returns (it handled the signal) are they let go.
 * Everything in 1-4 runs in signal context: handler/, unwind/ and common/ reach libc only through
 * common/sys.h, and the ctest handler_imports holds them to test/handler_imports.allow.
 *
 * A fault inside the capture: the crash path unblocked the error signals, so the nested SIGSEGV comes in, step 1 jumps back to run_guarded
 * (capture.c) or thread_stack_take's guard, the fault is written as a capture.fault record and the
 * capture goes on with the next section. A fault outside any guard re-enters crash_handler on the
 * owner thread, which then skips the capture (it owns it already) and hands over to the JVM. The
 * whole capture has a 10 s deadline, after which the JVM reports anyway. */
#include "signal_handler.h"

#include <stdatomic.h>

#include "capture.h"
#include "clock.h"
#include "service_signal.h"
#include "stack_exhaustion.h"
#include "sys.h"
#include "thread_hold.h"
#include "thread_stack.h"

/* A capture may take this long before the handler gives up on it and lets the JVM report. */
#define CAPTURE_DEADLINE_NS (10LL * 1000000000)

signal_chain crash_chain;

enum { CAPTURE_IDLE, CAPTURE_RUNNING, CAPTURE_DONE, CAPTURE_SNAPSHOT };
static atomic_int capture_state = CAPTURE_IDLE;
static atomic_int capture_owner;
static atomic_int snapshot_owner; /* the thread taking the live snapshot, while capture_state is CAPTURE_SNAPSHOT */

/* A crash while a live snapshot (crashcap dump) runs: the snapshot uses the buffers the capture needs, so the crash
 * waits for it to end. Meanwhile it records its own crash and stack in its slot of the snapshot's request, as a thread
 * that crashes during a crash capture does: the snapshot then shows it crashed, with its stack from the crash site,
 * instead of waiting its whole deadline for an answer that cannot come (the service signal stays blocked in this
 * handler) and listing it as missing. Returns 0 when the snapshot is over; 1 when the snapshot is this thread's own
 * (a fault outside the guards of its capture): waiting for it would wait for ourselves. */
static int wait_for_snapshot(int sig, siginfo_t *info, void *ucontext, int64_t deadline) {
    if (atomic_load(&capture_state) != CAPTURE_SNAPSHOT) return 0;
    if (atomic_load(&snapshot_owner) == current_tid()) return 1;
    sys_block_signal(service_signal_number()); /* its crash, not an answer, goes into its slot */
    int recorded = 0;
    while (atomic_load(&capture_state) == CAPTURE_SNAPSHOT && monotonic_ns() < deadline) {
        /* 0: the request is not open (yet, or any more); else recorded (1) or no slot of its own (-1). */
        if (!recorded) recorded = thread_stack_record_crash(sig, info, ucontext) != 0;
        pause_micros(recorded ? 1000 : 200);
    }
    return 0;
}

/* The first crashing thread writes the bundle. Any other thread that crashes meanwhile records its own
 * crash site for that bundle and is then held (thread_hold.h), because going on to the JVM's handler
 * would end the process under the capture. A fault inside our own capture that the guard did not catch
 * lands here on the owner thread: the capture is abandoned and the JVM takes over. */
static void capture_once(int sig, siginfo_t *info, void *ucontext) {
    int64_t deadline = monotonic_ns() + CAPTURE_DEADLINE_NS;
    /* A live snapshot in progress uses the same buffers: let it finish (the crash recorded in it), then capture. */
    if (wait_for_snapshot(sig, info, ucontext, deadline)) return;
    int idle = CAPTURE_IDLE;
    if (atomic_compare_exchange_strong(&capture_state, &idle, CAPTURE_RUNNING)) {
        atomic_store(&capture_owner, current_tid());
        /* Before anyone is signalled: from here on, threads that answer stay in their handlers. */
        thread_hold_begin();
        capture_write(sig, info, ucontext, deadline);
        atomic_store(&capture_state, CAPTURE_DONE);
        return;
    }
    if (atomic_load(&capture_owner) == current_tid()) return;
    capture_record_also_crashed(sig, info, ucontext, deadline);
    thread_hold_here();
}

static void restore_default_and_redeliver(int sig, siginfo_t *info) {
    struct sigaction fallback = { 0 };
    fallback.sa_handler = SIG_DFL;
    sys_sigaction(sig, &fallback, NULL);
    /* A sent signal (kill, abort's raise) is not repeated by returning: send it again. A hardware
     * fault is: the faulting instruction runs again on return and the default action ends us. */
    if (info->si_code <= 0 || sig == SIGABRT) sys_tgkill(current_tid(), sig);
}

/* Returns 1 when the handler before ours was called and returned: it handled the signal, and the process
 * goes on. 0 when the process is about to end: the default action is restored (or, with libjsig, our
 * handler unregistered) and the fault repeats, or the signal is sent again, once we return. */
static int hand_over(int sig, siginfo_t *info, void *ucontext) {
    const struct sigaction *before = &crash_chain.previous[sig];
    if (crash_chain.chained_by_libjsig) {
        /* Unregister: the JVM's chained_handler then finds no handler and reports the crash itself
         * when the instruction faults again after we return. */
        sys_sigaction(sig, before, NULL);
        return 0;
    }
    if (before->sa_flags & SA_SIGINFO) {
        before->sa_sigaction(sig, info, ucontext);
        return 1;
    }
    if (before->sa_handler != SIG_DFL && before->sa_handler != SIG_IGN) {
        before->sa_handler(sig);
        return 1;
    }
    restore_default_and_redeliver(sig, info);
    return 0;
}

static void crash_path_unblock(void) {
    uint64_t set = 0;
    static const int error_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP };
    for (size_t i = 0; i < sizeof error_signals / sizeof error_signals[0]; i++) set |= 1ull << (error_signals[i] - 1);
    sys_unblock_signals(set);
}

/* Everything after the pass-through path: a signal the JVM did not handle (jvm_asked: crash_handler asked it
 * already), or one the pass-through path left alone (jvm_asked 0: a capture or snapshot runs, the fault may be
 * a stack overflow, libjsig chains us, SIGABRT): steps 1 to 4 above, in full. Out of line, so that the
 * pass-through path's code stays a few cache lines. */
static __attribute__((noinline)) void crash_path(int sig, siginfo_t *info, void *ucontext, int jvm_asked) {
    int saved_errno = errno;
    int only_ours = 0;
    if (!jvm_asked) {
        capture_recover_from_nested_fault(sig);
        thread_stack_recover_from_nested_fault(sig);
        /* A stack overflow the kernel could only deliver thanks to our handler and alternate stack: without
         * crashcap the process would be dead already, so the JVM is not asked (it would report and abort, or
         * carry on). */
        only_ours = !crash_chain.chained_by_libjsig &&
                    stack_exhaustion_fatal_without_us(sig, info, ucontext, crash_chain.previous[sig].sa_flags & SA_ONSTACK);
        if (!only_ours && sig != SIGABRT && crash_chain.jvm_hook != NULL && !crash_chain.chained_by_libjsig &&
            crash_chain.jvm_hook(sig, info, ucontext, 0)) {
            errno = saved_errno;
            return;
        }
    }
    /* The crash path. Our handler runs with the mask of the handler before ours plus the signal itself
     * (signal_install.c): most signals are blocked. The capture needs the error signals on this thread: a
     * fault inside a guarded step must reach its guard (step 1); a blocked one would be forced with the
     * default action. One system call, off the pass-through path; the mask from before the signal comes
     * back when the handler returns. The service signal stays blocked (with HotSpot's mask): a thread that
     * crashes while another captures records its own crash (capture_record_also_crashed, which blocks it
     * anyway), and answering it here would unwind this handler's frames on the alternate stack instead. */
    crash_path_unblock();
    /* After a capture, a second fatal signal is the JVM's own abort() at the end of hs_err (or a
     * second crash while it reports): no second bundle. */
    if (atomic_load(&capture_state) != CAPTURE_DONE) capture_once(sig, info, ucontext);
    /* HotSpot's handler does not return from a crash (hs_err, then abort): the held threads end with the
     * process, as the JVM found them. If it returns, it handled the signal and everyone goes on. */
    if (only_ours) {
        restore_default_and_redeliver(sig, info); /* dies by the signal, as without us; held threads with it */
    } else if (hand_over(sig, info, ucontext)) {
        thread_hold_release();
    }
    errno = saved_errno;
}

void crash_handler(int sig, siginfo_t *info, void *ucontext) {
    /* The pass-through path: every implicit null check, safepoint poll and deoptimisation trap of the JVM
     * comes through here, some 100,000 a second in a busy JVM, so it asks the JVM first after the fewest
     * checks that keep steps 1 and 2 exact, and nothing else (its cost: README, `bench/run.sh passthrough`):
     * - no capture and no live snapshot runs (capture_state idle): then no guarded step of ours runs on any
     *   thread (run_guarded and thread_stack_take only run inside one; a service-signal thread still inside
     *   thread_stack_take after a snapshot finds the request closed, and step 1 would let it go on too), so
     *   the fault cannot be ours to recover, and the two checks of step 1 are spared;
     * - the fault is far from the stack pointer (stack_exhaustion_possible: comparisons only), so it is no
     *   stack overflow that only our alternate stack let the kernel deliver;
     * - the JVM's hook may be called (found, not chained by libjsig) and the signal is not SIGABRT.
     * No system call before the hook, so errno is as the JVM's handler would find it without us (HotSpot
     * keeps it over its own handler); none of crashcap's state is written, so faulting threads share no
     * written cache line. Anything else, and whatever the JVM does not handle, takes crash_path. */
    if (atomic_load(&capture_state) == CAPTURE_IDLE && crash_chain.jvm_hook != NULL && !crash_chain.chained_by_libjsig &&
        sig != SIGABRT && !stack_exhaustion_possible(sig, info, ucontext)) {
        if (crash_chain.jvm_hook(sig, info, ucontext, 0)) return;
        crash_path(sig, info, ucontext, 1);
        return;
    }
    crash_path(sig, info, ucontext, 0);
}

const char *signal_handler_snapshot(const char *folder, char *path, size_t path_size) {
    int idle = CAPTURE_IDLE;
    if (!atomic_compare_exchange_strong(&capture_state, &idle, CAPTURE_SNAPSHOT)) {
        return "a capture is running already";
    }
    atomic_store(&snapshot_owner, current_tid()); /* read only while the state is CAPTURE_SNAPSHOT */
    const char *failure = capture_snapshot(folder, path, path_size);
    atomic_store(&capture_state, CAPTURE_IDLE);
    return failure;
}
