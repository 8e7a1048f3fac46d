#include "java_thread_identity.h"

#include <pthread.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "java_thread_state.h"
#include "sys.h"
#include "text.h"
#include "thread_registry.h"
#include "vm_structs.h"

static jfieldID eetop_field;      /* java.lang.Thread.eetop: the JavaThread*, 0 before start and after exit */

/* While arming registers the threads that exist already, a thread's own ThreadStart and ThreadEnd run
 * under this lock too, so that a thread ending meanwhile is never left registered and no tid is claimed
 * twice at once (see register_other). Only then: once arming is done, ThreadStart and ThreadEnd take no
 * lock, so a thread held in a signal handler at a crash can never hold it while the resolver thread's
 * own ThreadStart (it attaches to the JVM at a crash) waits for it. Never taken in a signal handler. */
static pthread_mutex_t registering = PTHREAD_MUTEX_INITIALIZER;
static atomic_int arming_existing; /* set before ThreadStart/ThreadEnd are enabled, cleared after arming */
#define ENDED_MAX 1024
static int ended_during_arming[ENDED_MAX];
static int ended_count;

static int lock_if_arming(void) {
    if (!atomic_load(&arming_existing)) return 0;
    pthread_mutex_lock(&registering);
    return 1;
}

static void unlock_if(int locked) {
    if (locked) pthread_mutex_unlock(&registering);
}

/* ---- the layout ----------------------------------------------------------------------------- */

/* Reads memory that may be gone (a JavaThread that exited) without faulting: the kernel copies it and
 * answers EFAULT where nothing is mapped. */
static int read_memory(void *out, uintptr_t address, size_t size) {
    struct iovec local = { out, size };
    struct iovec remote = { (void *)address, size };
    return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == (ssize_t)size;
}

static int tid_of(uintptr_t java_thread) {
    uintptr_t osthread = 0;
    int32_t tid = 0;
    if (java_thread == 0 || !read_memory(&osthread, java_thread + hotspot_threads.java_thread_osthread, sizeof osthread) ||
        osthread == 0 || !read_memory(&tid, osthread + hotspot_threads.osthread_thread_id, sizeof tid)) {
        return -1;
    }
    return tid > 0 ? tid : -1;
}

static uintptr_t java_thread_of(JNIEnv *jni, jthread thread) {
    if (eetop_field == NULL || thread == NULL) return 0;
    return (uintptr_t)(*jni)->GetLongField(jni, thread, eetop_field);
}

/* type::field with a C type of size bytes, inside an object of object_size bytes. */
static int field_of(const char *type, const char *field, uint64_t size, uint64_t object_size, uint64_t *offset) {
    const char *type_string = NULL;
    uint64_t field_size = 0;
    if (!vm_structs_field(type, field, offset, &type_string) || type_string == NULL) return 0;
    if (strchr(type_string, '*') != NULL) field_size = sizeof(void *);
    else if (!vm_structs_type_size(type_string, &field_size)) return 0;
    return field_size == size && *offset >= sizeof(void *) && *offset + size <= object_size;
}

static const char *const STATE_NAMES[] = {
    "_thread_uninitialized", "_thread_new", "_thread_new_trans", "_thread_in_native", "_thread_in_native_trans",
    "_thread_in_vm", "_thread_in_vm_trans", "_thread_in_Java", "_thread_in_Java_trans", "_thread_blocked",
    "_thread_blocked_trans",
};

static const char *read_layout(JNIEnv *jni) {
    const char *problem = vm_structs_open((void *)(*jni)->GetVersion);
    if (problem != NULL) return problem;
    uint64_t java_thread_size = 0, osthread_size = 0;
    if (!vm_structs_type_size("JavaThread", &java_thread_size) || !vm_structs_type_size("OSThread", &osthread_size)) {
        return "gHotSpotVMTypes lacks JavaThread or OSThread";
    }
    /* _osthread is JavaThread's on JDK 17, Thread's (its superclass) on later JDKs. */
    if (!field_of("JavaThread", "_osthread", sizeof(void *), java_thread_size, &hotspot_threads.java_thread_osthread) &&
        !field_of("Thread", "_osthread", sizeof(void *), java_thread_size, &hotspot_threads.java_thread_osthread)) {
        return "gHotSpotVMStructs lacks a plausible Thread::_osthread";
    }
    if (!field_of("OSThread", "_thread_id", sizeof(int32_t), osthread_size, &hotspot_threads.osthread_thread_id)) {
        return "gHotSpotVMStructs lacks a plausible OSThread::_thread_id";
    }
    if (!field_of("JavaThread", "_thread_state", sizeof(int32_t), java_thread_size, &hotspot_threads.java_thread_state)) {
        return "gHotSpotVMStructs lacks a plausible JavaThread::_thread_state";
    }
    hotspot_threads.state_count = 0;
    for (size_t i = 0; i < sizeof STATE_NAMES / sizeof STATE_NAMES[0] && i < HOTSPOT_STATE_NAMES; i++) {
        int32_t value;
        if (!vm_structs_int_constant(STATE_NAMES[i], &value)) continue;
        int n = hotspot_threads.state_count++;
        hotspot_threads.state_values[n] = value;
        copy_text(hotspot_threads.state_names[n], sizeof hotspot_threads.state_names[n], STATE_NAMES[i]);
    }
    int32_t in_native;
    if (!vm_structs_int_constant("_thread_in_native", &in_native) || hotspot_threads.state_count < 4) {
        return "gHotSpotVMIntConstants lacks the JavaThreadState values";
    }
    jclass thread_class = (*jni)->FindClass(jni, "java/lang/Thread");
    if (thread_class != NULL) eetop_field = (*jni)->GetFieldID(jni, thread_class, "eetop", "J");
    if ((*jni)->ExceptionCheck(jni)) (*jni)->ExceptionClear(jni);
    if (thread_class != NULL) (*jni)->DeleteLocalRef(jni, thread_class);
    if (eetop_field == NULL) return "java.lang.Thread has no eetop field";
    return NULL;
}

/* The offsets are only believed once they lead, on the arming thread itself, to its own tid, and to the
 * state a thread inside a JNI call has: _thread_in_native. */
static const char *check_on_current(JNIEnv *jni, jthread current) {
    uintptr_t java_thread = java_thread_of(jni, current);
    if (java_thread == 0) return "java.lang.Thread.eetop of the arming thread is 0";
    if (tid_of(java_thread) != current_tid()) return "JavaThread -> OSThread -> tid did not lead to the arming thread";
    int32_t state = -1, in_native = -2;
    vm_structs_int_constant("_thread_in_native", &in_native);
    if (!read_memory(&state, java_thread + hotspot_threads.java_thread_state, sizeof state) || state != in_native) {
        return "JavaThread::_thread_state of the arming thread is not _thread_in_native";
    }
    return NULL;
}

void java_thread_identity_prepare(JNIEnv *jni, jvmtiEnv *jvmti, jthread current) {
    atomic_store(&arming_existing, 1); /* before any ThreadStart or ThreadEnd can be posted to us */
    ended_count = 0;
    const char *problem = read_layout(jni);
    if (problem == NULL) problem = check_on_current(jni, current);
    hotspot_threads.problem = problem;
    hotspot_threads.ready = problem == NULL;
    if (problem != NULL) eetop_field = NULL;
}

/* ---- registering threads -------------------------------------------------------------------- */

/* Fills a claimed slot; the name last, since it says the slot is a Java thread's. Under `registering`. */
static void fill_slot(JNIEnv *jni, thread_slot *slot, jthread thread, uintptr_t java_thread, int daemon,
                      const char *name) {
    slot->daemon = daemon;
    atomic_store(&slot->vm_thread, java_thread);
    if (slot->java_thread == NULL && thread != NULL) slot->java_thread = (*jni)->NewGlobalRef(jni, thread);
    thread_registry_set_name(slot, name);
}

void java_thread_identity_register_current(JNIEnv *jni, jvmtiEnv *jvmti, jthread thread, const char *name) {
    jvmtiThreadInfo info = { 0 };
    int have_info = thread != NULL && (*jvmti)->GetThreadInfo(jvmti, thread, &info) == JVMTI_ERROR_NONE;
    if (name == NULL) name = have_info && info.name != NULL ? info.name : "";
    int tid = current_tid();
    uintptr_t java_thread = java_thread_of(jni, thread);
    if (java_thread != 0 && tid_of(java_thread) != tid) java_thread = 0; /* never another thread's */
    int locked = lock_if_arming();
    thread_slot *slot = thread_registry_claim(tid);
    if (slot != NULL) {
        fill_slot(jni, slot, thread, java_thread, have_info ? info.is_daemon != JNI_FALSE : -1, name);
        thread_registry_set_own_stack(slot);
    }
    unlock_if(locked);
    if (have_info) {
        (*jvmti)->Deallocate(jvmti, (unsigned char *)info.name);
        if (info.thread_group != NULL) (*jni)->DeleteLocalRef(jni, info.thread_group);
        if (info.context_class_loader != NULL) (*jni)->DeleteLocalRef(jni, info.context_class_loader);
    }
}

void java_thread_identity_forget_current(JNIEnv *jni) {
    int tid = current_tid();
    int locked = lock_if_arming();
    thread_slot *slot = thread_registry_find(tid);
    if (slot != NULL) {
        if (slot->java_thread != NULL) (*jni)->DeleteGlobalRef(jni, (jobject)slot->java_thread);
        slot->java_thread = NULL;
        thread_registry_free(slot);
    } else if (locked && ended_count < ENDED_MAX) {
        ended_during_arming[ended_count++] = tid;
    }
    unlock_if(locked);
}

static int ended_while_arming(int tid) {
    for (int i = 0; i < ended_count; i++) {
        if (ended_during_arming[i] == tid) return 1;
    }
    return 0;
}

/* One thread from before arming. Its JavaThread may be freed under us at any moment (the thread ends):
 * memory is read through read_memory, and the tid is only believed if eetop still holds the same
 * JavaThread afterwards (HotSpot clears eetop before it frees the JavaThread). A thread whose ThreadEnd
 * ran before we got the lock is in ended_during_arming: not registered, or its slot would outlive it. */
static void register_other(JNIEnv *jni, jvmtiEnv *jvmti, jthread thread) {
    uintptr_t java_thread = java_thread_of(jni, thread);
    int tid = tid_of(java_thread);
    if (tid <= 0 || java_thread_of(jni, thread) != java_thread) return;
    jvmtiThreadInfo info;
    if ((*jvmti)->GetThreadInfo(jvmti, thread, &info) != JVMTI_ERROR_NONE) return;
    pthread_mutex_lock(&registering);
    if (!ended_while_arming(tid)) {
        thread_slot *slot = thread_registry_find(tid);
        /* A slot with a name is the thread's own registration (ThreadStart raced with us): it wins. */
        if (slot == NULL || !atomic_load(&slot->name_ready)) {
            slot = thread_registry_claim(tid);
            if (slot != NULL) fill_slot(jni, slot, thread, java_thread, info.is_daemon != JNI_FALSE, info.name ? info.name : "");
        }
    }
    pthread_mutex_unlock(&registering);
    (*jvmti)->Deallocate(jvmti, (unsigned char *)info.name);
    if (info.thread_group != NULL) (*jni)->DeleteLocalRef(jni, info.thread_group);
    if (info.context_class_loader != NULL) (*jni)->DeleteLocalRef(jni, info.context_class_loader);
}

void java_thread_identity_register_existing(JNIEnv *jni, jvmtiEnv *jvmti) {
    jint count = 0;
    jthread *threads = NULL;
    if (hotspot_threads.ready && (*jvmti)->GetAllThreads(jvmti, &count, &threads) == JVMTI_ERROR_NONE) {
        for (jint i = 0; i < count; i++) {
            register_other(jni, jvmti, threads[i]);
            (*jni)->DeleteLocalRef(jni, threads[i]);
        }
        (*jvmti)->Deallocate(jvmti, (unsigned char *)threads);
    }
    pthread_mutex_lock(&registering); /* after every callback that saw the flag set is done */
    atomic_store(&arming_existing, 0);
    pthread_mutex_unlock(&registering);
}
