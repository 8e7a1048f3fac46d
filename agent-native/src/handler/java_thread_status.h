/* A Java thread's java.lang.Thread state (RUNNABLE, BLOCKED, WAITING, TIMED_WAITING, as Thread.getState(), jstack and
 * ThreadMXBean give it), read inside a signal handler from the thread's own java.lang.Thread object: its threadStatus
 * field (JDK 17: Thread.threadStatus; JDK 19+: Thread.holder, a Thread$FieldHolder, .threadStatus). HotSpot writes
 * that int at every state change (sleep, Object.wait, park, monitor enter: JavaThreadStatusChanger) as JVMTI thread
 * state bits, and java.lang.Thread maps it (jdk.internal.misc.VM.toThreadState); so do jstack and ThreadMXBean (from
 * the same field, HotSpot's ThreadSnapshot). Read in the handler, the state needs no resolver thread: a capture whose
 * resolver misses its deadline still has it.
 * The object is reached through JavaThread::_threadObj, with the reference decoding of virtual_thread.h; the field
 * offsets come from JNI field ids and are checked at arming time on the arming thread's own Thread
 * (arming/java_thread_status_layout.c). Async-signal-safe: every read goes through own_memory_read. */
#ifndef CRASHCAP_JAVA_THREAD_STATUS_H
#define CRASHCAP_JAVA_THREAD_STATUS_H

#include <stdint.h>

#include "memory_map.h"

typedef struct {
    int ready;                /* 1: the offsets below read back the arming thread's status as JNI gives it */
    uint64_t thread_holder;   /* java.lang.Thread.holder (JDK 19+), 0 where threadStatus is Thread's own field */
    uint64_t thread_status;   /* threadStatus (int), in the Thread or in its holder */
    const char *problem;      /* why not ready: a static string, written into every bundle */
} hotspot_thread_status_layout;

/* Filled at arming time, read-only afterwards. */
extern hotspot_thread_status_layout hotspot_thread_status;

/* The threadStatus of the java.lang.Thread of the JavaThread at java_thread (its own, a carrier's own when a virtual
 * thread is mounted: see docs/threads.md), or -1 when it cannot be read (layout not ready, a reference that may not
 * be followed, memory that does not read back). */
int java_thread_status_read(const memory_map *map, uintptr_t java_thread);

/* The calling thread's threadStatus (its JavaThread from the thread registry), or -1. */
int java_thread_status_own(const memory_map *map);

/* "RUNNABLE", "BLOCKED", "WAITING", "TIMED_WAITING", "NEW" or "TERMINATED" for a threadStatus, as
 * java.lang.Thread.State has it; NULL for -1. */
const char *java_thread_status_name(int status);

/* "ok", or why the handler cannot read Java thread states (then only the resolver gives them). */
const char *java_thread_status_layout_status(void);

#endif
