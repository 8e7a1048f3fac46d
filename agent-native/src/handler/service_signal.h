/* crashcap's own signal, sent to one thread at a time: "install your alternate signal stack" (when
 * the agent arms, and for new threads the sweep finds) and, during a capture, "take your stack" (thread_stack.c).
 * It is a real-time signal that nobody else handles (the first free one from SIGRTMIN+5 on). */
#ifndef CRASHCAP_SERVICE_SIGNAL_H
#define CRASHCAP_SERVICE_SIGNAL_H

#include <signal.h>

/* Install time (arming/service_signal_install.c). Returns the signal number, or -1 when no real-time
 * signal is free. */
int service_signal_install(void);

/* The handler: answers a capture's request for this thread's stack, else installs the thread's
 * alternate signal stack. */
void service_signal_handler(int sig, siginfo_t *info, void *ucontext);
void service_signal_set_number(int sig);

int service_signal_number(void);

/* Sends it to one thread of this process. Async-signal-safe. Returns 0 or -1. */
int service_signal_send(int tid);

/* Sends it to every thread of this process but the caller (arming time, service_signal_install.c). */
void service_signal_send_to_all_others(void);

#endif
