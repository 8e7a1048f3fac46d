/* The JNI face of libcrashcap.so: dev.crashcap.agent.NativeAgent's native methods, and the JVMTI
 * thread events that tell us which native thread is which Java thread. Nothing here runs in a
 * signal handler. */
#include <jni.h>
#include <jvmti.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "altstack.h"
#include "capture.h"
#include "context_prepare.h"
#include "existing_altstacks.h"
#include "clock.h"
#include "java_frames.h"
#include "java_resolver.h"
#include "hotspot_code.h"
#include "hotspot_code_prepare.h"
#include "java_method_layout.h"
#include "java_method_name.h"
#include "java_thread_identity.h"
#include "jni_bridge.h"
#include "library_loads.h"
#include "scratch_map.h"
#include "service_signal.h"
#include "signal_handler.h"
#include "signal_install.h"
#include "thread_registry.h"
#include "thread_start_hook.h"
#include "thread_sweeper.h"
#include "java_thread_status_layout.h"
#include "virtual_thread_layout.h"

#define EXPORT __attribute__((visibility("default")))

static jvmtiEnv *jvmti;

/* Runs on the new thread itself, so its tid is ours to read and its alternate stack ours to set. */
static void JNICALL on_thread_start(jvmtiEnv *env, JNIEnv *jni, jthread thread) {
    java_thread_identity_register_current(jni, env, thread, NULL);
    altstack_ensure_current_thread(NULL);
}

static void JNICALL on_thread_end(jvmtiEnv *env, JNIEnv *jni, jthread thread) {
    altstack_release_current_thread();
    java_thread_identity_forget_current(jni);
}

/* AsyncGetCallTrace reports a method only if its jmethodID exists already: creating them for every
 * class as it is prepared is what makes Java frames nameable at a crash. */
static void JNICALL on_class_prepare(jvmtiEnv *env, JNIEnv *jni, jthread thread, jclass klass) {
    jint count = 0;
    jmethodID *methods = NULL;
    if ((*env)->GetClassMethods(env, klass, &count, &methods) == JVMTI_ERROR_NONE) {
        (*env)->Deallocate(env, (unsigned char *)methods);
    }
}

/* Empty, but enabled: AsyncGetCallTrace refuses to walk (ticks_no_class_load) unless some JVMTI
 * environment receives ClassLoad events (forte.cpp). */
static void JNICALL on_class_load(jvmtiEnv *env, JNIEnv *jni, jthread thread, jclass klass) {
}

/* HotSpot posts VMDeath in before_exit (Runtime.halt after the shutdown hooks, DestroyJavaVM after main): from here
 * on the resolver thread cannot answer, and a crash's capture must not wait for it (java_resolver.h). */
static void JNICALL on_vm_death(jvmtiEnv *env, JNIEnv *jni) {
    java_resolver_vm_death();
}

static const char *watch_threads_and_classes(void) {
    jvmtiEventCallbacks callbacks = { 0 };
    callbacks.ThreadStart = on_thread_start;
    callbacks.ThreadEnd = on_thread_end;
    callbacks.ClassPrepare = on_class_prepare;
    callbacks.ClassLoad = on_class_load;
    callbacks.VMDeath = on_vm_death;
    if ((*jvmti)->SetEventCallbacks(jvmti, &callbacks, sizeof callbacks) != JVMTI_ERROR_NONE ||
        (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_ENABLE, JVMTI_EVENT_THREAD_START, NULL) != JVMTI_ERROR_NONE ||
        (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_ENABLE, JVMTI_EVENT_THREAD_END, NULL) != JVMTI_ERROR_NONE ||
        (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_ENABLE, JVMTI_EVENT_CLASS_PREPARE, NULL) != JVMTI_ERROR_NONE ||
        (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_ENABLE, JVMTI_EVENT_CLASS_LOAD, NULL) != JVMTI_ERROR_NONE ||
        (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_ENABLE, JVMTI_EVENT_VM_DEATH, NULL) != JVMTI_ERROR_NONE) {
        return "cannot enable JVMTI events";
    }
    return NULL;
}

/* thread_name: the current thread's Java name, or NULL to have JVMTI say it. */
static const char *arm(JNIEnv *jni, const char *name) {
    JavaVM *vm;
    if ((*jni)->GetJavaVM(jni, &vm) != JNI_OK) return "GetJavaVM failed";
    if ((*vm)->GetEnv(vm, (void **)&jvmti, JVMTI_VERSION_1_2) != JNI_OK) return "JVMTI is not available";

    jthread current = NULL;
    (*jvmti)->GetCurrentThread(jvmti, &current);
    /* HotSpot's layout first: registering a thread takes its JavaThread* when the layout is known. */
    java_thread_identity_prepare(jni, jvmti, current);
    /* One read of /proc/self/maps for every check and GOT write below (scratch_map.h). */
    memory_map map;
    int have_map = scratch_map_read(&map) == 0;
    java_method_layout_prepare(jni, jvmti, have_map ? &map : NULL); /* names Java frames in the handler, without the resolver */
    hotspot_code_prepare((void *)(*jni)->GetVersion, have_map ? &map : NULL); /* best effort: without it Java frames come from AsyncGetCallTrace alone */
    library_loads_watch(vm, jvmti, have_map ? &map : NULL); /* best effort: without it the bundle names no Java callers */
    thread_start_hook_arm(have_map ? &map : NULL); /* best effort: without it new native threads wait for the sweep */
    if (have_map) scratch_map_release(&map);
    /* Names the virtual thread a carrier runs; reads any thread's java.lang.Thread state in the handler. */
    java_thread_status_layout_prepare(jni, current, virtual_thread_layout_prepare(jni, current));
    java_thread_identity_register_current(jni, jvmti, current, name);
    context_prepare((void *)(*jni)->GetVersion); /* the report's VM and host context: tens of microseconds */

    const char *failure = watch_threads_and_classes();
    if (failure != NULL) return failure;
    /* After ThreadStart and ThreadEnd are on: a thread is then registered by one or the other, or both. */
    java_thread_identity_register_existing(jni, jvmti);
    java_frames_prepare(vm);
    failure = java_resolver_start(vm, jvmti, jni);
    if (failure != NULL) return failure;
    if (service_signal_install() < 0) return "no free real-time signal for crashcap";
    /* Alternate signal stacks for this thread and every thread that exists already (for a dump: from its
     * snapshot, existing_altstacks.h); threads started from now on get theirs from the pthread_create hook, or
     * else from the sweep. */
    altstack_ensure_current_thread(NULL);
    existing_altstacks_arm();
    failure = thread_sweeper_start();
    if (failure != NULL) return failure;
    return signal_handler_install();
}

const char *jni_bridge_arm(JNIEnv *jni, const char *folder, const char *header, size_t header_len,
                           int64_t start_epoch_ms, const char *thread_name) {
    if (signal_handler_installed()) return NULL;
    const char *failure = capture_prepare(folder, header, header_len, start_epoch_ms);
    return failure != NULL ? failure : arm(jni, thread_name);
}

/* A live snapshot bundle of every thread into folder, for NativeAgent.snapshot and the native dump (native_dump.c):
 * NULL and the bundle's path in `path`, or why not. */
const char *jni_bridge_snapshot(const char *folder, char *path, size_t path_size) {
    if (!signal_handler_installed()) return "the agent is not armed";
    /* Right after arming, AsyncGetCallTrace knows the methods of older classes only once their jmethodIDs exist: the
     * arming thread created them already unless there were more than 2,000 classes, which the resolver thread does
     * after arming (java_resolver.c). Not needed when the capture names every Java frame from HotSpot's own
     * structures (the walk finds each frame's Method*, java_method_layout names it): a dump of a JVM armed
     * just now then does not wait for that job (it grows with the number of classes). */
    if (java_method_layout_problem() != NULL || hotspot_code_problem() != NULL) {
        java_resolver_await_method_ids(monotonic_ns() + 2000000000LL);
    }
    const char *failure = signal_handler_snapshot(folder, path, path_size);
    existing_altstacks_give(); /* a dump's arming left them to the snapshot: whoever it did not reach */
    return failure;
}

/* A live snapshot bundle of every thread into folder; returns its path, or throws IOException. */
EXPORT JNIEXPORT jstring JNICALL Java_dev_crashcap_agent_NativeAgent_snapshot(JNIEnv *jni, jclass cls, jstring folder) {
    char path[4096];
    const char *folder_chars = (*jni)->GetStringUTFChars(jni, folder, NULL);
    if (folder_chars == NULL) return NULL;
    const char *failure = jni_bridge_snapshot(folder_chars, path, sizeof path);
    (*jni)->ReleaseStringUTFChars(jni, folder, folder_chars);
    if (failure == NULL) return (*jni)->NewStringUTF(jni, path);
    jclass io_exception = (*jni)->FindClass(jni, "java/io/IOException");
    if (io_exception != NULL) (*jni)->ThrowNew(jni, io_exception, failure);
    return NULL;
}

/* Before arm, for crashcap dump: the snapshot that follows gives the existing threads their alternate stacks
 * (existing_altstacks.h). */
EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_agent_NativeAgent_deferExistingAltstacks(JNIEnv *jni, jclass cls) {
    if (!signal_handler_installed()) existing_altstacks_defer_to_snapshot();
}
