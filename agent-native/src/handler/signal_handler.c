#include "signal_handler.h"

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "thread_registry.h"
#include "thread_snapshot.h"

/* HotSpot's documented hook for user signal handlers (signals_posix.cpp): returns non-zero when the
 * JVM handled the signal as part of its normal work (implicit null checks, safepoint polls, stack
 * banging, deoptimisation traps); with abort_if_unrecognized it reports the crash (hs_err) and dies. */
typedef int (*jvm_signal_hook)(int sig, siginfo_t *info, void *ucontext, int abort_if_unrecognized);

static const int hooked_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
#define HOOKED_COUNT (sizeof hooked_signals / sizeof hooked_signals[0])

/* A capture may take this long before the handler gives up on it and lets the JVM report. */
#define CAPTURE_DEADLINE_NS (10LL * 1000000000)

static struct sigaction previous[NSIG];
static jvm_signal_hook jvm_hook;
/* With libjsig preloaded, our sigaction is only recorded and the JVM calls us as its chained handler:
 * then calling jvm_hook would recurse into us. */
static int chained_by_libjsig;
static atomic_int installed;

enum { CAPTURE_IDLE, CAPTURE_RUNNING, CAPTURE_DONE, CAPTURE_SNAPSHOT };
static atomic_int capture_state = CAPTURE_IDLE;
static atomic_int capture_owner;

static void sleep_a_millisecond(void) {
    struct timespec pause = { 0, 1000000 };
    nanosleep(&pause, NULL);
}

/* The first crashing thread writes the bundle. Any other thread that crashes meanwhile waits (with a
 * deadline) for it to finish, because going on to the JVM's handler would end the process under the
 * capture. A fault inside our own capture that the guard did not catch lands here on the owner
 * thread: the capture is abandoned and the JVM takes over. */
static void capture_once(int sig, siginfo_t *info, void *ucontext) {
    int64_t deadline = monotonic_ns() + CAPTURE_DEADLINE_NS;
    /* A live snapshot in progress uses the same buffers: let it finish, then capture. */
    while (atomic_load(&capture_state) == CAPTURE_SNAPSHOT && monotonic_ns() < deadline) sleep_a_millisecond();
    int idle = CAPTURE_IDLE;
    if (atomic_compare_exchange_strong(&capture_state, &idle, CAPTURE_RUNNING)) {
        atomic_store(&capture_owner, current_tid());
        capture_write(sig, info, ucontext, deadline);
        atomic_store(&capture_state, CAPTURE_DONE);
        return;
    }
    if (atomic_load(&capture_owner) == current_tid()) return;
    capture_record_also_crashed(sig, info, ucontext, deadline);
    while (atomic_load(&capture_state) == CAPTURE_RUNNING && monotonic_ns() < deadline + 1000000000LL) {
        sleep_a_millisecond();
    }
}

static void restore_default_and_redeliver(int sig, siginfo_t *info) {
    struct sigaction fallback;
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    sigaction(sig, &fallback, NULL);
    /* A sent signal (kill, abort's raise) is not repeated by returning: send it again. A hardware
     * fault is: the faulting instruction runs again on return and the default action ends us. */
    if (info->si_code <= 0 || sig == SIGABRT) syscall(SYS_tgkill, getpid(), current_tid(), sig);
}

static void hand_over(int sig, siginfo_t *info, void *ucontext) {
    const struct sigaction *before = &previous[sig];
    if (chained_by_libjsig) {
        /* Unregister: the JVM's chained_handler then finds no handler and reports the crash itself
         * when the instruction faults again after we return. */
        sigaction(sig, before, NULL);
        return;
    }
    if (before->sa_flags & SA_SIGINFO) {
        before->sa_sigaction(sig, info, ucontext);
    } else if (before->sa_handler != SIG_DFL && before->sa_handler != SIG_IGN) {
        before->sa_handler(sig);
    } else {
        restore_default_and_redeliver(sig, info);
    }
}

static void crash_handler(int sig, siginfo_t *info, void *ucontext) {
    int saved_errno = errno;
    capture_recover_from_nested_fault(sig);
    snapshot_recover_from_nested_fault(sig);
    if (sig != SIGABRT && jvm_hook != NULL && !chained_by_libjsig && jvm_hook(sig, info, ucontext, 0)) {
        errno = saved_errno;
        return;
    }
    /* After a capture, a second fatal signal is the JVM's own abort() at the end of hs_err (or a
     * second crash while it reports): no second bundle. */
    if (atomic_load(&capture_state) != CAPTURE_DONE) capture_once(sig, info, ucontext);
    hand_over(sig, info, ucontext);
    errno = saved_errno;
}

const char *signal_handler_snapshot(const char *folder, char *path, size_t path_size) {
    int idle = CAPTURE_IDLE;
    if (!atomic_compare_exchange_strong(&capture_state, &idle, CAPTURE_SNAPSHOT)) {
        return "a capture is running already";
    }
    const char *failure = capture_snapshot(folder, path, path_size);
    atomic_store(&capture_state, CAPTURE_IDLE);
    return failure;
}

int signal_handler_installed(void) {
    return atomic_load(&installed);
}

/* Install time only: dlsym and sigaction are called here, never in the handler. */
const char *signal_handler_install(void) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&installed, &expected, 1)) return NULL;
    jvm_hook = (jvm_signal_hook)dlsym(RTLD_DEFAULT, "JVM_handle_linux_signal");
    chained_by_libjsig = dlsym(RTLD_DEFAULT, "JVM_get_signal_action") != NULL;
    for (size_t i = 0; i < HOOKED_COUNT; i++) {
        int sig = hooked_signals[i];
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = crash_handler;
        sigemptyset(&action.sa_mask);
        /* SA_ONSTACK: runs on the thread's alternate stack where it has one (stack overflow).
         * SA_NODEFER: a fault inside the handler is delivered (to the guard) instead of killing us. */
        action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESTART;
        if (sigaction(sig, &action, &previous[sig]) != 0) return "sigaction failed";
    }
    return NULL;
}
