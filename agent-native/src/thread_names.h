/* Which native thread (tid) is which Java thread, and its full Java name. Filled outside signal
 * handlers (JVMTI ThreadStart/ThreadEnd, and the arming thread), read inside them without locks. */
#ifndef CRASHCAP_THREAD_NAMES_H
#define CRASHCAP_THREAD_NAMES_H

#include <stddef.h>

#define THREAD_NAME_MAX 64

void thread_names_register(int tid, const char *name);
void thread_names_forget(int tid);

/* Copies the Java name of tid into out and returns 1, or returns 0 when tid is not a known Java thread.
 * Async-signal-safe. */
int thread_names_lookup(int tid, char *out, size_t size);

/* The kernel's name of the thread (/proc/self/task/<tid>/comm: 15 characters at most; HotSpot sets it
 * to the start of the Java name). Async-signal-safe. Returns the length, 0 if unknown. */
size_t thread_comm_name(int tid, char *out, size_t size);

#endif
