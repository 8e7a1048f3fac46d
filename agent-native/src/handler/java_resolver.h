/* Names for the raw Java frames and states for the threads of a capture. JVMTI is not async-signal-
 * safe, so a native thread crashcap starts at arming time (arming/java_resolver.c; it attaches to the
 * JVM as the daemon thread "crashcap-resolver" only while it works, and at a crash until the end) does the
 * JVMTI calls while the
 * capturing thread waits for it with a deadline (handler/java_resolver_request.c). If the JVM cannot answer
 * (the crash holds a lock it needs, a safepoint never ends), the bundle keeps what was resolved. */
#ifndef CRASHCAP_JAVA_RESOLVER_H
#define CRASHCAP_JAVA_RESOLVER_H

#include <jni.h>
#include <jvmti.h>
#include <stdatomic.h>
#include <stdint.h>

#include "java_frames.h"

typedef struct {
    java_frame frame;             /* in: what AsyncGetCallTrace gave */
    int named_here;               /* the capture names it from HotSpot's structures (java_method_name.h): the
                                   * resolver is not asked */
    atomic_int ready;             /* out: 1 when the fields below are filled */
    const char *class_name;       /* "java.lang.Thread" */
    const char *method_name;
    int line;                     /* source line, -1 when unknown */
    const char *source_file;      /* "Thread.java" (SourceFile attribute), NULL when unknown */
} resolved_frame;

typedef struct {
    int tid;                      /* in */
    atomic_int ready;             /* out */
    const char *state;            /* "RUNNABLE", "WAITING", ... or NULL when unknown */
    const char *java_name;        /* the Java name now (renamed since registered, or known only now), or NULL */
} resolved_thread;

/* One request, in memory of its own: the capture copies what is to be resolved into it and copies the
 * answers out. Whoever of the two is last with it unmaps it, so a capture that stopped waiting (its
 * deadline) never frees memory the resolver still writes into, and the resolver never writes into the
 * capture's memory at all. */
enum { JOB_RUNNING, JOB_DONE, JOB_ABANDONED };
typedef struct {
    atomic_int state;
    int live;                     /* a live snapshot's (the process goes on), not a crash's */
    size_t bytes;                 /* of the whole mapping */
    int frame_count;
    int thread_count;
    resolved_frame *frames;       /* inside this mapping */
    resolved_thread *threads;
} resolve_job;

/* What the capture and the resolver thread share: two pipes (the done pipe only says "look") and the
 * current job. */
typedef struct {
    int wake_pipe[2];
    int done_pipe[2];
    resolve_job *_Atomic job;
    /* 1 from waking the resolver until it is done with the job (also one whose capture gave up on it). */
    atomic_int busy;
    /* Set once the jmethodIDs of the classes loaded before arming exist (or nothing will create them): by the arming
     * thread before the handlers are installed when there are few (a JVM starting), else by the resolver thread in
     * its first moments (arming/java_resolver.c). */
    atomic_int method_ids_ready;
} resolver_channel_t;

extern resolver_channel_t resolver_channel;

/* Arming time (JNI thread): starts the resolver thread and remembers the threads that exist already
 * (to find their states later). Returns NULL, or a static error message. */
const char *java_resolver_start(JavaVM *vm, jvmtiEnv *jvmti, JNIEnv *jni);

/* Capture owner, in the signal handler: asks the resolver to fill frames and threads, waits until
 * it is done or the deadline passes. live: a live snapshot, after which the resolver detaches from the JVM
 * (at a crash it stays attached: arming/java_resolver.c). Returns 1 when everything was resolved. */
int java_resolver_resolve(resolved_frame *const *frames, int frame_count, resolved_thread *threads,
                          int thread_count, int64_t deadline_ns, int live);

/* A live snapshot (not a crash): waits, up to the deadline, until the resolver has created the
 * jmethodIDs of the classes loaded before arming; without them AsyncGetCallTrace reports those
 * methods as 0, and a dump taken right after arming (crashcap dump of an unarmed JVM) would have
 * no Java names. Returns 1 when they are ready. */
int java_resolver_await_method_ids(int64_t deadline_ns);

#endif
