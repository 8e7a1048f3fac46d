#include "signal_install.h"

#include <dlfcn.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/auxv.h>

#include "signal_handler.h"
#include "stack_exhaustion.h"

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51 /* the kernel's signal frame size (Linux 5.14+ on x86_64, 4.19+ on arm64) */
#endif

static const int hooked_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
#define HOOKED_COUNT (sizeof hooked_signals / sizeof hooked_signals[0])

static atomic_int installed;

int signal_handler_installed(void) {
    return atomic_load(&installed);
}

/* The signals a fault raises (synchronously, on the faulting thread). HotSpot leaves them out of its own
 * mask too: a fault inside one of its handlers for another signal is still delivered. */
static const int error_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP };

void error_signals_unblocked(sigset_t *mask) {
    for (size_t i = 0; i < sizeof error_signals / sizeof error_signals[0]; i++) sigdelset(mask, error_signals[i]);
}

/* The signals blocked while crash_handler runs, applied by the kernel at delivery (no system call on
 * pass-through). crash_handler calls the previous handler from inside itself (pass-through), so it must run
 * with that handler's mask, as if it had been called by the kernel: HotSpot's mask is every signal but the
 * error signals, so that SIGQUIT, SIGPROF (AsyncGetCallTrace), its suspend/resume signal or real-time
 * signals never interrupt its signal handling (signals_posix.cpp). Hence: the previous mask, minus the
 * error signals.
 *
 * With no handler before ours (SIG_DFL, SIG_IGN), or with libjsig (then `previous` is only the handler
 * libjsig saved before the JVM's, usually SIG_DFL, and HotSpot calls us from its own handler after setting
 * our sa_mask as the thread's mask, call_chained_handler): every signal but the error signals. Without
 * crashcap such a signal ends the process at once, and nothing else runs on that thread: blocking the rest
 * is the closest to that, and is HotSpot's own choice. What the capture itself needs (the service signal)
 * is unblocked on the crash path only (crash_handler). */
static void handler_mask(const struct sigaction *previous, sigset_t *mask) {
    int has_handler = (previous->sa_flags & SA_SIGINFO) ||
                      (previous->sa_handler != SIG_DFL && previous->sa_handler != SIG_IGN);
    if (has_handler && !crash_chain.chained_by_libjsig) {
        *mask = previous->sa_mask;
    } else {
        sigfillset(mask);
    }
    error_signals_unblocked(mask);
}

/* Arming time: dlsym is called here only. (sigaction runs in the handler too, see hand_over.) */
const char *signal_handler_install(void) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&installed, &expected, 1)) return NULL;
    crash_chain.jvm_hook = (jvm_signal_hook)dlsym(RTLD_DEFAULT, "JVM_handle_linux_signal");
    crash_chain.chained_by_libjsig = dlsym(RTLD_DEFAULT, "JVM_get_signal_action") != NULL;
    stack_exhaustion_prepare(getauxval(AT_MINSIGSTKSZ));
    for (size_t i = 0; i < HOOKED_COUNT; i++) {
        int sig = hooked_signals[i];
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = crash_handler;
        struct sigaction previous;
        if (sigaction(sig, NULL, &previous) != 0) return "sigaction failed";
        handler_mask(&previous, &action.sa_mask);
        /* SA_ONSTACK: runs on the thread's alternate stack where it has one (stack overflow).
         * No SA_NODEFER, as HotSpot: the kernel blocks the signal being handled, so the JVM's handler, called
         * from ours, runs with exactly the mask it has alone (a fault inside it kills the process, as alone).
         * A capture needs nested faults delivered to its guards: crash_handler unblocks the error signals on
         * the crash path only (a blocked SIGSEGV raised by a fault would be forced with the default action). */
        action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
        if (sigaction(sig, &action, &crash_chain.previous[sig]) != 0) return "sigaction failed";
    }
    return NULL;
}
