/* Java frames of the current thread, taken inside a signal handler with HotSpot's AsyncGetCallTrace
 * (the only JVM call made from a handler): raw method ids and bytecode indexes, resolved to names
 * later by java_resolver. */
#ifndef CRASHCAP_JAVA_FRAMES_H
#define CRASHCAP_JAVA_FRAMES_H

#include <jni.h>
#include <stddef.h>

typedef struct {
    jmethodID method;
    int bci;                  /* bytecode index; JAVA_FRAME_NATIVE_METHOD for a native method */
} java_frame;

#define JAVA_FRAME_NATIVE_METHOD (-3)

/* Install time (arming/java_frames_prepare.c): remembers the JavaVM and looks up AsyncGetCallTrace
 * (dlsym), then hands both to java_frames_use. */
void java_frames_prepare(JavaVM *vm);

/* HotSpot's AsyncGetCallTrace (exported by libjvm, declared nowhere public); its trace type is private
 * to java_frames.c. */
typedef void (*asgct_function)(void *trace, jint depth, void *ucontext);
void java_frames_use(JavaVM *vm, asgct_function asgct);

/* Returned for a thread that is not a Java thread. */
#define JAVA_FRAMES_NOT_JAVA (-100)
/* AsyncGetCallTrace's answer for a Java thread with no Java frame on its stack (a JVM service
 * thread, or one that never entered Java code): nothing to report. */
#define JAVA_FRAMES_IN_VM_CODE (-3)

/* The calling thread's Java frames, innermost first, from the ucontext its signal handler got.
 * Returns how many, or a negative code: JAVA_FRAMES_NOT_JAVA, or AsyncGetCallTrace's own error
 * (forte.cpp: -1 no ClassLoad events, -2 GC active, -3/-4 not Java or not walkable, -5/-6 Java frame
 * not walkable, -7 unknown state, -8 thread exiting, -9 deoptimising, -10 at a safepoint).
 * Async-signal-safe as far as AsyncGetCallTrace is (callers guard it against faults). */
int java_frames_take(void *ucontext, java_frame *out, int max);

#endif
