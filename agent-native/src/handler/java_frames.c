#include "java_frames.h"

/* The layout HotSpot's AsyncGetCallTrace works on (jvm.h / forte.cpp). */
typedef struct {
    jint lineno;              /* the bytecode index, or a negative marker */
    jmethodID method_id;
} asgct_frame;

typedef struct {
    JNIEnv *env_id;
    jint num_frames;          /* > 0 frames, <= 0 an error code */
    asgct_frame *frames;
} asgct_trace;

#define ASGCT_BATCH 256

static JavaVM *java_vm;
static asgct_function async_get_call_trace;

void java_frames_use(JavaVM *vm, asgct_function asgct) {
    java_vm = vm;
    async_get_call_trace = asgct;
}

int java_frames_take(void *ucontext, java_frame *out, int max) {
    if (java_vm == NULL || async_get_call_trace == NULL || max <= 0) return 0;
    /* A shortcut outside POSIX: JNI GetEnv only reads the current thread's JavaThread from
     * thread-local storage (no lock, no allocation: jni.cpp), so it is safe here. It is how we find
     * the thread's JNIEnv, which AsyncGetCallTrace needs, for threads that existed before the agent. */
    JNIEnv *env = NULL;
    if ((*java_vm)->GetEnv(java_vm, (void **)&env, JNI_VERSION_1_6) != JNI_OK || env == NULL) return JAVA_FRAMES_NOT_JAVA;
    asgct_frame frames[ASGCT_BATCH];
    int depth = max < ASGCT_BATCH ? max : ASGCT_BATCH;
    asgct_trace trace = { env, 0, frames };
    async_get_call_trace(&trace, depth, ucontext);
    if (trace.num_frames <= 0) return trace.num_frames == 0 ? 0 : trace.num_frames;
    for (int i = 0; i < trace.num_frames; i++) {
        out[i].method = frames[i].method_id;
        out[i].bci = frames[i].lineno;
    }
    return trace.num_frames;
}
