#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"
#include "service_signal.h"
#include "signal_install.h"
#include "sys.h"

#define TIDS_MAX 65536

int service_signal_install(void) {
    if (service_signal_number() > 0) return service_signal_number();
    for (int sig = SIGRTMIN + 5; sig <= SIGRTMAX; sig++) {
        struct sigaction current;
        if (sigaction(sig, NULL, &current) != 0) continue;
        if ((current.sa_flags & SA_SIGINFO) || current.sa_handler != SIG_DFL) continue; /* taken */
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = service_signal_handler;
        /* Every signal blocked but the error signals, as in HotSpot's handlers: crashcap's unwinding and
         * AsyncGetCallTrace are not interrupted by SIGPROF (a profiler's own AsyncGetCallTrace), SIGQUIT,
         * HotSpot's suspend/resume signal or real-time signals; a fault inside still reaches
         * thread_stack_take's guard. A thread held here during a capture (thread_hold.c) only waits for the
         * process to end, or for the JVM's handler to return; what is pending then is delivered on return. */
        sigfillset(&action.sa_mask);
        error_signals_unblocked(&action.sa_mask);
        /* SA_RESTART: a thread interrupted in read(), write(), a futex wait... goes on as if nothing
         * happened. Sleeps, poll and epoll_wait are never restarted (signal(7)): what that means for a
         * crash and for a dump is in docs/threads.md, "What other threads see". */
        action.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
        if (sigaction(sig, &action, NULL) != 0) return -1;
        service_signal_set_number(sig);
        return sig;
    }
    return -1;
}

/* Arming time only. */
void service_signal_send_to_all_others(void) {
    int self = current_tid();
    int *tids = calloc(TIDS_MAX, sizeof(int)); /* arming time, never in a handler */
    if (tids == NULL) return;
    int count = proc_task_list(tids, TIDS_MAX);
    for (int i = 0; i < count; i++) {
        if (tids[i] != self) service_signal_send(tids[i]);
    }
    free(tids);
}
