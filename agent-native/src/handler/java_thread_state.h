/* HotSpot's own state of a Java thread (JavaThread::_thread_state: _thread_in_native, _thread_in_vm,
 * _thread_in_Java, _thread_blocked, ...), read by the thread itself inside a signal handler, as hs_err
 * shows it for the crashing thread. The offsets come from HotSpot's own description of its structures
 * (gHotSpotVMStructs), found and checked at arming time (arming/java_thread_identity.c); the handler only
 * reads plain numbers from here, and every read is checked against the memory map first. */
#ifndef CRASHCAP_JAVA_THREAD_STATE_H
#define CRASHCAP_JAVA_THREAD_STATE_H

#include <stdint.h>

#include "memory_map.h"

#define HOTSPOT_STATE_NAMES 16

typedef struct {
    int ready;                    /* 1: every offset below was found and checked against a live thread */
    uint64_t java_thread_osthread; /* JavaThread* -> OSThread* (Thread::_osthread) */
    uint64_t osthread_thread_id;  /* OSThread* -> the kernel tid (OSThread::_thread_id, 4 bytes) */
    uint64_t java_thread_state;   /* JavaThread* -> JavaThreadState (4 bytes) */
    int state_count;
    int32_t state_values[HOTSPOT_STATE_NAMES];
    char state_names[HOTSPOT_STATE_NAMES][32]; /* "_thread_in_native", as HotSpot names the constant */
    const char *problem;          /* why not ready: a static string, written into every bundle */
} hotspot_thread_layout;

/* Filled at arming time, read-only afterwards. */
extern hotspot_thread_layout hotspot_threads;

/* The HotSpot state of the JavaThread at java_thread (a JavaThread*), or -1 when it cannot be read
 * (layout unknown, memory not readable per map). Async-signal-safe. */
int java_thread_state_read(const memory_map *map, uintptr_t java_thread);

/* "_thread_in_native" for a state value, or NULL when HotSpot has no name for it. */
const char *java_thread_state_name(int state);

/* NULL when the layout is known, else why not. */
const char *java_thread_layout_problem(void);

/* The calling thread's HotSpot state (its JavaThread from the thread registry), or -1 when it is not a
 * Java thread crashcap knows, or the layout is unknown. Async-signal-safe. */
int java_thread_state_own(const memory_map *map);

#endif
