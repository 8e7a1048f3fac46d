/* crashcap's own native threads (the resolver, the sweep): detached, with a small stack. */
#ifndef CRASHCAP_BACKGROUND_THREAD_H
#define CRASHCAP_BACKGROUND_THREAD_H

#include <stddef.h>

/* Install time. Returns 0, or -1 when the thread could not be started. */
int background_thread_start(void *(*main)(void *), size_t stack_bytes);

#endif
