#include "service_signal.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "altstack.h"
#include "thread_registry.h"
#include "thread_snapshot.h"

static int service_signal = -1;

static void service_handler(int sig, siginfo_t *info, void *ucontext) {
    int saved_errno = errno;
    /* A capture's request is answered without touching the stack setup; otherwise this is the
     * request to install an alternate signal stack. */
    if (!snapshot_answer_request(ucontext)) altstack_ensure_current_thread(ucontext);
    errno = saved_errno;
}

int service_signal_install(void) {
    if (service_signal > 0) return service_signal;
    for (int sig = SIGRTMIN + 5; sig <= SIGRTMAX; sig++) {
        struct sigaction current;
        if (sigaction(sig, NULL, &current) != 0) continue;
        if ((current.sa_flags & SA_SIGINFO) || current.sa_handler != SIG_DFL) continue; /* taken */
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = service_handler;
        sigemptyset(&action.sa_mask);
        /* SA_RESTART: a thread interrupted in read() or write() goes on as if nothing happened. */
        action.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
        if (sigaction(sig, &action, NULL) != 0) return -1;
        service_signal = sig;
        return sig;
    }
    return -1;
}

int service_signal_number(void) {
    return service_signal;
}

int service_signal_send(int tid) {
    if (service_signal < 0) return -1;
    return (int)syscall(SYS_tgkill, getpid(), tid, service_signal);
}

/* Arming time only (opendir allocates). */
void service_signal_send_to_all_others(void) {
    int self = current_tid();
    DIR *tasks = opendir("/proc/self/task");
    if (tasks == NULL) return;
    for (struct dirent *entry; (entry = readdir(tasks)) != NULL;) {
        int tid = atoi(entry->d_name);
        if (tid > 0 && tid != self) service_signal_send(tid);
    }
    closedir(tasks);
}
