/* Threads that native code starts never pass through JVMTI ThreadStart: a background thread looks at
 * /proc/self/task every SWEEP_INTERVAL_MS and sends each thread it has not seen before the service
 * signal, whose handler gives it an alternate signal stack. It also frees the stacks of threads that
 * have exited. A thread that overflows its stack before the sweep reached it is not covered. */
#ifndef CRASHCAP_THREAD_SWEEPER_H
#define CRASHCAP_THREAD_SWEEPER_H

#define SWEEP_INTERVAL_MS 250

/* Install time. Returns NULL, or a static error message. */
const char *thread_sweeper_start(void);

#endif
