/* Threads that native code starts without the pthread_create hook (thread_start_hook.h) seeing them: a
 * background thread looks at /proc/self/task every SWEEP_INTERVAL_MS and sends each thread it has not
 * seen before that has no alternate stack from crashcap the service signal, whose handler gives it one.
 * It also frees the stacks of threads that have exited without saying so, and hooks modules loaded by
 * other means than libjvm's dlopen. A thread that overflows its stack before the sweep reached it is not
 * covered. */
#ifndef CRASHCAP_THREAD_SWEEPER_H
#define CRASHCAP_THREAD_SWEEPER_H

#define SWEEP_INTERVAL_MS 250

/* Install time. Returns NULL, or a static error message. */
const char *thread_sweeper_start(void);

#endif
