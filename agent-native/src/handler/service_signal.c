#include "service_signal.h"

#include "altstack.h"
#include "sys.h"
#include "thread_hold.h"
#include "thread_stack.h"

static int service_signal = -1;

void service_signal_handler(int sig, siginfo_t *info, void *ucontext) {
    int saved_errno = errno;
    /* A capture's request is answered first; then the thread gets its alternate signal stack if it has none
     * yet, whichever the signal was for: the snapshot of a dump that armed the JVM just now is how the threads
     * that existed before get theirs (arming/existing_altstacks.h). With one already, that is one sigaltstack
     * call. */
    thread_stack_answer_request(ucontext);
    altstack_ensure_current_thread(ucontext);
    /* During a crash, a thread that was interrupted must not run on (thread_hold.h). One held here for
     * an earlier signal (arming's, the sweep's, delivered late) cannot take the capture's signal, which
     * stays blocked while its handler runs: it answers the capture's request from here. */
    while (thread_hold_wait()) thread_stack_answer_request(ucontext);
    errno = saved_errno;
}

void service_signal_set_number(int sig) {
    service_signal = sig;
}

int service_signal_number(void) {
    return service_signal;
}

int service_signal_send(int tid) {
    if (service_signal < 0) return -1;
    return sys_tgkill(tid, service_signal);
}
