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
        sigemptyset(&action.sa_mask);
        /* SA_ONSTACK: runs on the thread's alternate stack where it has one (stack overflow).
         * SA_NODEFER: a fault inside the handler is delivered (to the guard) instead of killing us. */
        action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESTART;
        if (sigaction(sig, &action, &crash_chain.previous[sig]) != 0) return "sigaction failed";
    }
    return NULL;
}
