/* crashcap's own signal, sent to one thread at a time: "install your alternate signal stack" (when
 * the agent arms, and for new threads the sweep finds) and, during a capture, "take your snapshot".
 * It is a real-time signal that nobody else handles (the first free one from SIGRTMIN+5 on). */
#ifndef CRASHCAP_SERVICE_SIGNAL_H
#define CRASHCAP_SERVICE_SIGNAL_H

/* Install time. Returns the signal number, or -1 when no real-time signal is free. */
int service_signal_install(void);

int service_signal_number(void);

/* Sends it to one thread of this process. Async-signal-safe. Returns 0 or -1. */
int service_signal_send(int tid);

/* Sends it to every thread of this process but the caller (arming time). */
void service_signal_send_to_all_others(void);

#endif
