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
    /* The process the resolver thread runs in. A child forked by JNI code inherits the pipes but not the thread:
     * its capture must not write to them, or the parent's resolver wakes up to a job pointer of its own, left
     * dangling by an earlier dump, and faults (CrashShapesIT). */
    int owner_pid;
    /* Set by the JVMTI VMDeath event (arming/jni_bridge.c), which HotSpot posts in before_exit: after System.exit's
     * shutdown hooks (Runtime.halt), or when DestroyJavaVM ends the JVM after main. From then on JVMTI is in its dead
     * phase and answers nothing (JVMTI_ERROR_WRONG_PHASE), and after System.exit the VM thread ends the process inside
     * a safepoint that never ends, where attaching to the JVM blocks for good: the resolver cannot answer, so a
     * capture does not ask it (nor wait for it). An atomic int: read in a signal handler. */
    atomic_int vm_dead;
} resolver_channel_t;

extern resolver_channel_t resolver_channel;

/* Arming time (JNI thread): starts the resolver thread and remembers the threads that exist already
 * (to find their states later). Returns NULL, or a static error message. */
const char *java_resolver_start(JavaVM *vm, jvmtiEnv *jvmti, JNIEnv *jni);

/* The JVMTI VMDeath event's callback (any thread): the resolver can answer no more (resolver_channel.vm_dead). */
void java_resolver_vm_death(void);

/* What java_resolver_resolve says, written into the bundle as `threads.resolver` (docs/capture-format.md). */
#define RESOLVER_OK "ok"                     /* it answered everything it was asked */
#define RESOLVER_DEADLINE "deadline"         /* not everything in time: the JVM could not answer (a lock the crash
                                              * holds, a safepoint that never ends) or it was busy with an older job */
#define RESOLVER_VM_DEATH "vm-death"         /* not asked: JVMTI VMDeath was posted (the JVM is exiting) */
#define RESOLVER_FORKED_CHILD "forked-child" /* not asked: a child forked by JNI code; the resolver is the parent's */
#define RESOLVER_UNAVAILABLE "unavailable"   /* not asked: no resolver thread, or no memory for the request */

/* Capture owner, in the signal handler: asks the resolver to fill frames and threads, waits until
 * it is done or the deadline passes. live: a live snapshot, after which the resolver detaches from the JVM
 * (at a crash it stays attached: arming/java_resolver.c). Returns RESOLVER_OK when everything was resolved, else
 * one of the other RESOLVER_* values above: why (some of) the answers are absent. */
const char *java_resolver_resolve(resolved_frame *const *frames, int frame_count, resolved_thread *threads,
                          int thread_count, int64_t deadline_ns, int live);

/* Waits, up to the deadline, until the resolver has created the jmethodIDs of the classes loaded before
 * arming; without them AsyncGetCallTrace reports those methods as 0, and a dump taken right after arming
 * (crashcap dump of an unarmed JVM) would have no Java names. Not after VMDeath: the resolver cannot create
 * them any more. Returns 1 when they are ready. */
int java_resolver_await_method_ids(int64_t deadline_ns);

#endif
