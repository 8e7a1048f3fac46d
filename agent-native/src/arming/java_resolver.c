#include "java_resolver.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "background_thread.h"
#include "java_thread_state.h"
#include "text.h"
#include "thread_hold.h"
#include "thread_registry.h"

#define ARENA_BYTES (8u << 20)
#define EXISTING_MAX 4096

typedef struct {
    char *name;
    jthread thread;               /* global reference */
} existing_thread;

static JavaVM *java_vm;
static jvmtiEnv *jvmti;

/* Threads that existed when the agent armed, kept only when HotSpot's layout is unknown: without it
 * JVMTI cannot tell their tids, so they are matched by their kernel name later, where that is exact. */
static existing_thread existing[EXISTING_MAX];
static int existing_count;

/* Strings handed back to the capture: a bump allocator, never freed (used once, at a crash). */
static char *arena;
static size_t arena_used;

static const char *keep(const char *text) {
    size_t len = strlen(text);
    if (arena == NULL || arena_used + len + 1 > ARENA_BYTES) return "?";
    char *copy = arena + arena_used;
    memcpy(copy, text, len + 1);
    arena_used += len + 1;
    return copy;
}

static const char *class_name_of(const char *signature) {
    if (arena == NULL || arena_used + 2 > ARENA_BYTES) return "?";
    char *copy = arena + arena_used;
    arena_used += java_class_name(copy, ARENA_BYTES - arena_used, signature) + 1;
    return copy;
}

static int line_of(jmethodID method, int bci) {
    jint count = 0;
    jvmtiLineNumberEntry *table = NULL;
    if (bci < 0 || (*jvmti)->GetLineNumberTable(jvmti, method, &count, &table) != JVMTI_ERROR_NONE) return -1;
    int line = -1;
    jlocation best = -1;
    for (jint i = 0; i < count; i++) {
        if (table[i].start_location <= bci && table[i].start_location > best) {
            best = table[i].start_location;
            line = table[i].line_number;
        }
    }
    (*jvmti)->Deallocate(jvmti, (unsigned char *)table);
    return line;
}

static void resolve_frame(JNIEnv *jni, resolved_frame *item) {
    jmethodID method = item->frame.method;
    item->class_name = "?";
    item->method_name = "?";
    item->line = -1;
    item->source_file = NULL;
    char *name = NULL;
    jclass declaring = NULL;
    char *signature = NULL;
    if (method != NULL && (*jvmti)->GetMethodName(jvmti, method, &name, NULL, NULL) == JVMTI_ERROR_NONE) {
        item->method_name = keep(name);
        (*jvmti)->Deallocate(jvmti, (unsigned char *)name);
    }
    if (method != NULL && (*jvmti)->GetMethodDeclaringClass(jvmti, method, &declaring) == JVMTI_ERROR_NONE) {
        if ((*jvmti)->GetClassSignature(jvmti, declaring, &signature, NULL) == JVMTI_ERROR_NONE) {
            item->class_name = class_name_of(signature);
            (*jvmti)->Deallocate(jvmti, (unsigned char *)signature);
        }
        char *source = NULL;
        if ((*jvmti)->GetSourceFileName(jvmti, declaring, &source) == JVMTI_ERROR_NONE) {
            item->source_file = keep(source);
            (*jvmti)->Deallocate(jvmti, (unsigned char *)source);
        }
        (*jni)->DeleteLocalRef(jni, declaring);
    }
    if (method != NULL) item->line = line_of(method, item->frame.bci);
}

static const char *state_name(jint state) {
    switch (state & JVMTI_JAVA_LANG_THREAD_STATE_MASK) {
    case JVMTI_JAVA_LANG_THREAD_STATE_NEW: return "NEW";
    case JVMTI_JAVA_LANG_THREAD_STATE_TERMINATED: return "TERMINATED";
    case JVMTI_JAVA_LANG_THREAD_STATE_RUNNABLE: return "RUNNABLE";
    case JVMTI_JAVA_LANG_THREAD_STATE_BLOCKED: return "BLOCKED";
    case JVMTI_JAVA_LANG_THREAD_STATE_WAITING: return "WAITING";
    case JVMTI_JAVA_LANG_THREAD_STATE_TIMED_WAITING: return "TIMED_WAITING";
    default: return NULL;
    }
}

/* Only when HotSpot's layout is unknown (no eetop -> tid, see java_thread_identity.h): a thread from
 * before the agent whose whole Java name is its kernel name (15 characters at most), when no other Java
 * thread's name starts with that kernel name. A longer name is cut by the kernel, so "pool-1-thread-1"
 * could be "pool-1-thread-10" as well: such a thread keeps its kernel name rather than get a wrong one. */
static existing_thread *existing_by_kernel_name(int tid) {
    char comm[32];
    size_t len = thread_comm_name(tid, comm, sizeof comm);
    if (len == 0) return NULL;
    existing_thread *match = NULL;
    for (int i = 0; i < existing_count; i++) {
        if (strncmp(existing[i].name, comm, len) != 0) continue;
        if (match != NULL || existing[i].name[len] != '\0') return NULL; /* ambiguous, or cut by the kernel */
        match = &existing[i];
    }
    return match;
}

/* The thread's name now: it may have been renamed (Thread.setName) since crashcap registered it. */
static const char *current_name(jthread thread) {
    JNIEnv *jni = NULL;
    jvmtiThreadInfo info;
    if ((*java_vm)->GetEnv(java_vm, (void **)&jni, JNI_VERSION_1_6) != JNI_OK ||
        (*jvmti)->GetThreadInfo(jvmti, thread, &info) != JVMTI_ERROR_NONE) {
        return NULL;
    }
    const char *name = info.name != NULL ? keep(info.name) : NULL;
    (*jvmti)->Deallocate(jvmti, (unsigned char *)info.name);
    if (info.thread_group != NULL) (*jni)->DeleteLocalRef(jni, info.thread_group);
    if (info.context_class_loader != NULL) (*jni)->DeleteLocalRef(jni, info.context_class_loader);
    return name;
}

static void resolve_thread(resolved_thread *item) {
    item->state = NULL;
    item->java_name = NULL;
    thread_slot *slot = thread_registry_find(item->tid);
    jthread thread = slot != NULL ? (jthread)slot->java_thread : NULL;
    if (thread == NULL) {
        existing_thread *known = existing_by_kernel_name(item->tid);
        if (known != NULL) {
            thread = known->thread;
            item->java_name = known->name;
        }
    }
    jint state = 0;
    if (thread != NULL && (*jvmti)->GetThreadState(jvmti, thread, &state) == JVMTI_ERROR_NONE) {
        item->state = state_name(state);
    }
    if (slot != NULL && thread != NULL) item->java_name = current_name(thread);
}

/* Classes loaded before the agent armed get their jmethodIDs here, so that AsyncGetCallTrace can report their
 * methods (later classes: the ClassPrepare event). At once, not later: a crash early in the JVM's life needs the
 * names of JDK frames as much as any (deferring this by a second was measured: 5 ms less start-up, but unnamed
 * Thread.sleep and Thread.run frames in crashes during that second).
 * Where: a JVM starting has a few hundred classes (at VMInit on JDK 17: 440, 25: 466; at -javaagent's premain
 * about 950), 0.7 to 1.5 ms of work, done on the arming thread: on the resolver thread it cost an attach to the JVM
 * and a detach besides, 0.2 ms of CPU and 0.1 MiB of peak RSS at every start-up. An application attached to later
 * may have tens of thousands: those are left to the resolver thread, in the background, as a dump need not wait for
 * them (the snapshot names frames from HotSpot's own structures where it can). Returns 0 when there were more than
 * at_most classes and nothing was done. */
#define ARMING_THREAD_CLASSES_MAX 2000

static int create_method_ids_of_loaded_classes(JNIEnv *jni, jint at_most) {
    jint count = 0;
    jclass *classes = NULL;
    if ((*jvmti)->GetLoadedClasses(jvmti, &count, &classes) != JVMTI_ERROR_NONE) return 1; /* nothing will */
    int now = count <= at_most;
    for (jint i = 0; i < count; i++) {
        jint method_count = 0;
        jmethodID *methods = NULL;
        if (now && (*jvmti)->GetClassMethods(jvmti, classes[i], &method_count, &methods) == JVMTI_ERROR_NONE) {
            (*jvmti)->Deallocate(jvmti, (unsigned char *)methods);
        }
        (*jni)->DeleteLocalRef(jni, classes[i]);
    }
    (*jvmti)->Deallocate(jvmti, (unsigned char *)classes);
    return now;
}

/* Attached to the JVM only while it works (see resolver_main for the one exception, a crash): a thread attached
 * and blocked in native code (read) makes the JVM wait 300 ms at every exit, System.exit or the end of main
 * (VM_Exit::wait_for_threads_in_native_to_block; measured: 6 ms from System.exit to the process's end, 320 ms
 * after one crashcap dump, on JDK 17 and 25). */
static JNIEnv *attach_self(void) {
    JNIEnv *jni = NULL;
    JavaVMAttachArgs attach = { JNI_VERSION_1_6, "crashcap-resolver", NULL };
    if ((*java_vm)->AttachCurrentThreadAsDaemon(java_vm, (void **)&jni, &attach) != JNI_OK) return NULL;
    return jni;
}

static void resolve_job_items(JNIEnv *jni, resolve_job *job) {
    arena_used = 0; /* the previous request's strings were written out already */
    for (int i = 0; i < job->thread_count; i++) {
        resolve_thread(&job->threads[i]);
        atomic_store(&job->threads[i].ready, 1);
    }
    for (int i = 0; i < job->frame_count; i++) {
        resolve_frame(jni, &job->frames[i]);
        atomic_store(&job->frames[i].ready, 1);
    }
}

/* Done with a job: hands it back, or unmaps it if its capture stopped waiting. */
static void finish_job(resolve_job *job) {
    int expected = JOB_RUNNING;
    if (!atomic_compare_exchange_strong(&job->state, &expected, JOB_DONE)) munmap(job, job->bytes);
}

static void *resolver_main(void *unused) {
    prctl(PR_SET_NAME, "crashcap-resolv"); /* its kernel name: 15 characters at most */
    /* A crash capture needs this thread to name Java frames while every other thread is held. */
    thread_hold_exempt_current_thread();
    if (!atomic_load(&resolver_channel.method_ids_ready)) { /* too many classes for the arming thread */
        JNIEnv *jni = attach_self();
        if (jni != NULL) {
            create_method_ids_of_loaded_classes(jni, INT32_MAX);
            (*java_vm)->DetachCurrentThread(java_vm);
        }
        atomic_store(&resolver_channel.method_ids_ready, 1); /* done, or nothing will create them */
    }
    for (;;) {
        char byte;
        ssize_t n = read(resolver_channel.wake_pipe[0], &byte, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        /* At a crash: attaching can block if the crash holds a lock the JVM needs for it; the
         * capture's deadline covers that. */
        resolve_job *job = atomic_load(&resolver_channel.job);
        if (job != NULL) {
            int live = job->live; /* read now: finish_job may unmap the job */
            JNIEnv *jni = attach_self();
            if (jni != NULL) resolve_job_items(jni, job);
            finish_job(job);
            /* A live snapshot's job: the process goes on, so detach, before saying done (the dump returns with
             * this thread gone from the JVM's thread list). At a crash stay attached: the process is ending
             * (hs_err ends in abort(), a JVM exit never comes), and detaching would run Thread.exit's Java code
             * and our own ThreadEnd (it frees this thread's registry slot and alternate stack) in a dying JVM,
             * while the capture still reads the registry; it could block on a lock the crash holds, too. */
            if (jni != NULL && live) (*java_vm)->DetachCurrentThread(java_vm);
        }
        atomic_store(&resolver_channel.busy, 0);
        (void)!write(resolver_channel.done_pipe[1], "x", 1);
    }
    return NULL;
}

void java_resolver_vm_death(void) {
    atomic_store(&resolver_channel.vm_dead, 1);
}

static void remember_existing_threads(JNIEnv *jni) {
    jint count = 0;
    jthread *threads = NULL;
    if ((*jvmti)->GetAllThreads(jvmti, &count, &threads) != JVMTI_ERROR_NONE) return;
    for (jint i = 0; i < count && existing_count < EXISTING_MAX; i++) {
        jvmtiThreadInfo info;
        if ((*jvmti)->GetThreadInfo(jvmti, threads[i], &info) == JVMTI_ERROR_NONE) {
            existing[existing_count].name = strdup(info.name != NULL ? info.name : "");
            existing[existing_count].thread = (*jni)->NewGlobalRef(jni, threads[i]);
            existing_count++;
            (*jvmti)->Deallocate(jvmti, (unsigned char *)info.name);
            if (info.thread_group != NULL) (*jni)->DeleteLocalRef(jni, info.thread_group);
            if (info.context_class_loader != NULL) (*jni)->DeleteLocalRef(jni, info.context_class_loader);
        }
        (*jni)->DeleteLocalRef(jni, threads[i]);
    }
    (*jvmti)->Deallocate(jvmti, (unsigned char *)threads);
}

const char *java_resolver_start(JavaVM *vm, jvmtiEnv *env, JNIEnv *jni) {
    java_vm = vm;
    jvmti = env;
    jvmtiCapabilities wanted = { 0 };
    wanted.can_get_line_numbers = 1;
    wanted.can_get_source_file_name = 1;
    (*jvmti)->AddCapabilities(jvmti, &wanted); /* without them lines and files are unknown, names still work */
    /* Arming time, not a handler. Untouched until a crash: address space, not resident memory. */
    arena = malloc(ARENA_BYTES); /* arming time, never in a handler */
    resolver_channel.owner_pid = getpid(); /* before the pipes exist: a forked child does not ask (java_resolver.h) */
    if (pipe2(resolver_channel.wake_pipe, O_CLOEXEC) != 0 || pipe2(resolver_channel.done_pipe, O_CLOEXEC) != 0) return "cannot create resolver pipes";
    /* With HotSpot's layout every older thread was registered by tid already (java_thread_identity.c). */
    if (!hotspot_threads.ready) remember_existing_threads(jni);
    if (create_method_ids_of_loaded_classes(jni, ARMING_THREAD_CLASSES_MAX)) atomic_store(&resolver_channel.method_ids_ready, 1);
    if (background_thread_start(resolver_main, 256 * 1024) != 0) return "cannot start the resolver thread";
    return NULL;
}

