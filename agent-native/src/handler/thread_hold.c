#include "thread_hold.h"

#include <stdatomic.h>

#include "clock.h"
#include "sys.h"

/* How long after the crash held threads are let go even though the process has not ended. The capture
 * itself has 10 s at most (CAPTURE_DEADLINE_NS), which leaves HotSpot at least 30 s for hs_err: as long
 * as HotSpot gives one step of its report by default (ErrorLogTimeout 120 s, a quarter per step). What
 * HotSpot's reporting needs from other threads is only that they release locks it may take (malloc's,
 * the dynamic loader's): a held thread that holds one delays hs_err until this bound, and HotSpot's own
 * timeouts (kept by its WatcherThread, held too) resume with it. */
#define HOLD_BOUND_NS (40LL * 1000000000)
#define WAIT_SLICE_NS (100LL * 1000000)

static atomic_int held;            /* the futex word: 1 while a hold is on */
static _Atomic int64_t hold_until; /* CLOCK_MONOTONIC */
static atomic_int exempt_tid;

void thread_hold_begin(void) {
    atomic_store(&hold_until, monotonic_ns() + HOLD_BOUND_NS);
    atomic_store(&held, 1);
}

void thread_hold_release(void) {
    atomic_store(&held, 0);
    sys_futex_wake_all(&held);
}

void thread_hold_exempt_current_thread(void) {
    atomic_store(&exempt_tid, current_tid());
}

static int holding(void) {
    return atomic_load(&held) && current_tid() != atomic_load(&exempt_tid) &&
           monotonic_ns() < atomic_load(&hold_until);
}

int thread_hold_wait(void) {
    if (!holding()) return 0;
    int64_t left = atomic_load(&hold_until) - monotonic_ns();
    if (left > WAIT_SLICE_NS) left = WAIT_SLICE_NS;
    if (left > 0) {
        struct timespec slice = { 0, (long)left };
        /* Returns at once if the word is no longer 1; a wake-up, EINTR or the timeout: look again. */
        sys_futex_wait(&held, 1, &slice);
    }
    return holding();
}

void thread_hold_here(void) {
    while (thread_hold_wait()) {
    }
}

void thread_hold_nudge(void) {
    sys_futex_wake_all(&held);
}
