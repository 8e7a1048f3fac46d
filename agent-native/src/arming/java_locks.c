/* See java_locks.h. LocksFile.list, in C: the same ThreadMXBean calls (dumpAllThreads(lockedMonitors, false) and
 * findDeadlockedThreads), so the same content, through JNI. The bean is had from sun.management's
 * ManagementFactoryHelper, which ManagementFactory.getThreadMXBean only forwards to: JNI is not held to module
 * exports, so ManagementFactory itself (its platform components) is never initialised; where that class is not found
 * (another JDK's layout), from ManagementFactory after all.
 *
 * Why not JVMTI (GetOwnedMonitorInfo, GetCurrentContendedMonitor): HotSpot grants those capabilities only to an
 * agent loaded at start-up (jvmtiManageCapabilities.cpp, init_onload_capabilities), never to one loaded by attach. */
#include "java_locks.h"

#include "java_properties.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    JNIEnv *jni;
    jmethodID thread_id, thread_name, thread_state, locked_monitors, lock_info, lock_owner_id, lock_owner_name;
    jmethodID enum_name, lock_class_name, lock_hash;
    char failure[512];
} listing;

static void append_escaped(text_buffer *out, const char *text) {
    for (const char *p = text; *p; p++) {
        if (*p == '\\') text_buffer_append_string(out, "\\\\");
        else if (*p == '\t') text_buffer_append_string(out, "\\t");
        else if (*p == '\n') text_buffer_append_string(out, "\\n");
        else text_buffer_append(out, p, 1);
    }
}

/* A pending exception as LocksFile's catch would say it ("the JVM did not list its locks: " + e): its toString. */
static const char *exception_failure(listing *l) {
    JNIEnv *jni = l->jni;
    jthrowable thrown = (*jni)->ExceptionOccurred(jni);
    if (thrown == NULL) return NULL;
    (*jni)->ExceptionClear(jni);
    snprintf(l->failure, sizeof l->failure, "the JVM did not list its locks: an exception");
    jclass object = (*jni)->FindClass(jni, "java/lang/Object");
    jmethodID to_string = object == NULL ? NULL : (*jni)->GetMethodID(jni, object, "toString", "()Ljava/lang/String;");
    jstring text = to_string == NULL ? NULL : (jstring)(*jni)->CallObjectMethod(jni, thrown, to_string);
    if ((*jni)->ExceptionCheck(jni)) (*jni)->ExceptionClear(jni);
    const char *chars = text == NULL ? NULL : (*jni)->GetStringUTFChars(jni, text, NULL);
    if (chars != NULL) {
        snprintf(l->failure, sizeof l->failure, "the JVM did not list its locks: %s", chars);
        (*jni)->ReleaseStringUTFChars(jni, text, chars);
    }
    return l->failure;
}

/* Appends a Java string, escaped; "" for null. */
static void append_string(listing *l, text_buffer *out, jstring text) {
    if (text == NULL) return;
    const char *chars = (*l->jni)->GetStringUTFChars(l->jni, text, NULL);
    if (chars == NULL) return;
    append_escaped(out, chars);
    (*l->jni)->ReleaseStringUTFChars(l->jni, text, chars);
}

/* "<class name>\t0x<identity hash>" of a LockInfo (LocksFile.lock). */
static void append_lock(listing *l, text_buffer *out, jobject lock) {
    JNIEnv *jni = l->jni;
    append_string(l, out, (jstring)(*jni)->CallObjectMethod(jni, lock, l->lock_class_name));
    char hex[16];
    snprintf(hex, sizeof hex, "\t0x%x", (unsigned)(*jni)->CallIntMethod(jni, lock, l->lock_hash));
    text_buffer_append_string(out, hex);
}

static jmethodID method(listing *l, const char *class_name, const char *name, const char *signature) {
    jclass cls = (*l->jni)->FindClass(l->jni, class_name);
    jmethodID id = cls == NULL ? NULL : (*l->jni)->GetMethodID(l->jni, cls, name, signature);
    if (cls != NULL) (*l->jni)->DeleteLocalRef(l->jni, cls);
    return id;
}

/* The platform ThreadMXBean, or NULL with an exception pending or none (see the top of the file). */
static jobject thread_bean(JNIEnv *jni) {
    jclass helper = (*jni)->FindClass(jni, "sun/management/ManagementFactoryHelper");
    jmethodID get = helper == NULL ? NULL
            : (*jni)->GetStaticMethodID(jni, helper, "getThreadMXBean", "()Ljava/lang/management/ThreadMXBean;");
    if (get == NULL) {
        (*jni)->ExceptionClear(jni);
        helper = (*jni)->FindClass(jni, "java/lang/management/ManagementFactory");
        get = helper == NULL ? NULL
                : (*jni)->GetStaticMethodID(jni, helper, "getThreadMXBean", "()Ljava/lang/management/ThreadMXBean;");
        if (get == NULL) return NULL;
    }
    return (*jni)->CallStaticObjectMethod(jni, helper, get);
}

/* Appends `line` (`len` bytes, its newline included) to `lines` unless it is there already. */
static void add_once(text_buffer *lines, const char *line, size_t len) {
    const char *seen = text_buffer_text(lines);
    for (const char *p = seen; p != NULL && *p;) {
        const char *end = strchr(p, '\n');
        if ((size_t)(end - p) + 1 == len && memcmp(p, line, len) == 0) return;
        p = end + 1;
    }
    text_buffer_append(lines, line, len);
}

/* One thread's lines (LocksFile.list's loop body); `inferred`: the locks waiters say it owns, lines "class\thash". */
static void append_thread(listing *l, text_buffer *out, jobject info, const char *inferred) {
    JNIEnv *jni = l->jni;
    char number[32];
    snprintf(number, sizeof number, "%lld", (long long)(*jni)->CallLongMethod(jni, info, l->thread_id));
    text_buffer_append_string(out, "thread\t");
    text_buffer_append_string(out, number);
    text_buffer_append_string(out, "\t");
    append_string(l, out, (jstring)(*jni)->CallObjectMethod(jni, info, l->thread_name));
    text_buffer_append_string(out, "\t");
    jobject state = (*jni)->CallObjectMethod(jni, info, l->thread_state);
    if (state != NULL) append_string(l, out, (jstring)(*jni)->CallObjectMethod(jni, state, l->enum_name));
    text_buffer_append_string(out, "\n");

    /* held: the locked monitors, then the inferred ones, each once (LocksFile's LinkedHashSet). */
    text_buffer held = {0};
    jobjectArray monitors = (jobjectArray)(*jni)->CallObjectMethod(jni, info, l->locked_monitors);
    jsize count = monitors == NULL ? 0 : (*jni)->GetArrayLength(jni, monitors);
    for (jsize i = 0; i < count; i++) {
        jobject monitor = (*jni)->GetObjectArrayElement(jni, monitors, i);
        text_buffer one = {0};
        append_lock(l, &one, monitor);
        text_buffer_append_string(&one, "\n");
        const char *line = text_buffer_text(&one);
        if (line != NULL) add_once(&held, line, one.len);
        text_buffer_free(&one);
        (*jni)->DeleteLocalRef(jni, monitor);
    }
    for (const char *line = inferred; line != NULL && *line;) {
        const char *end = strchr(line, '\n');
        add_once(&held, line, (size_t)(end - line) + 1);
        line = end + 1;
    }
    const char *held_text = text_buffer_text(&held);
    for (const char *line = held_text; line != NULL && *line;) {
        const char *end = strchr(line, '\n');
        text_buffer_append_string(out, "held\t");
        text_buffer_append(out, line, (size_t)(end - line) + 1);
        line = end + 1;
    }
    text_buffer_free(&held);

    jobject lock = (*jni)->CallObjectMethod(jni, info, l->lock_info);
    if (lock != NULL) {
        text_buffer_append_string(out, "waiting\t");
        text_buffer lock_text = {0};
        append_lock(l, &lock_text, lock);
        const char *lock_line = text_buffer_text(&lock_text);
        if (lock_line != NULL) text_buffer_append_string(out, lock_line); /* escaped as a whole: no tab or \ in a hash */
        text_buffer_free(&lock_text);
        text_buffer_append_string(out, "\t");
        jlong owner = (*jni)->CallLongMethod(jni, info, l->lock_owner_id);
        if (owner >= 0) {
            snprintf(number, sizeof number, "%lld", (long long)owner);
            text_buffer_append_string(out, number);
        }
        text_buffer_append_string(out, "\t");
        append_string(l, out, (jstring)(*jni)->CallObjectMethod(jni, info, l->lock_owner_name));
        text_buffer_append_string(out, "\n");
    }
}

/* Each deadlock as its cycle (LocksFile.cycles): from each deadlocked thread, follow who owns what it waits for until
 * back at a thread of the chain; a thread that waits on a cycle is not in it. */
static void append_deadlocks(text_buffer *out, const jlong *ids, const jlong *owners, jsize count,
                             const jlong *deadlocked, jsize deadlocked_count) {
    jlong *chain = malloc(sizeof(jlong) * ((size_t)count + 1));
    jlong *placed = malloc(sizeof(jlong) * ((size_t)count + 1));
    if (chain == NULL || placed == NULL) {
        free(chain);
        free(placed);
        return;
    }
    jsize placed_count = 0;
    for (jsize d = 0; d < deadlocked_count; d++) {
        jlong start = deadlocked[d];
        int is_placed = 0;
        for (jsize p = 0; p < placed_count; p++) is_placed |= placed[p] == start;
        if (is_placed) continue;
        jsize length = 0;
        jlong id = start;
        int known = 1;
        for (;;) {
            if (id < 0) break;
            int in_chain = 0;
            for (jsize c = 0; c < length; c++) in_chain |= chain[c] == id;
            if (in_chain || length > count) break;
            chain[length++] = id;
            jsize at = 0;
            while (at < count && ids[at] != id) at++;
            if (at == count) { /* not in the listing: Java's ownerOf.get gives null */
                known = 0;
                break;
            }
            id = owners[at];
        }
        if (!known || id < 0) continue;
        jsize first = 0;
        while (first < length && chain[first] != id) first++;
        if (first == length) continue;
        int cycle_placed = 0;
        for (jsize p = 0; p < placed_count; p++) cycle_placed |= placed[p] == id;
        if (cycle_placed) continue;
        text_buffer_append_string(out, "deadlock");
        for (jsize c = first; c < length; c++) {
            char number[32];
            snprintf(number, sizeof number, "\t%lld", (long long)chain[c]);
            text_buffer_append_string(out, number);
            placed[placed_count++] = chain[c];
        }
        text_buffer_append_string(out, "\n");
    }
    free(chain);
    free(placed);
}

const char *java_locks_list(JNIEnv *jni, text_buffer *out, char *why, size_t why_size) {
    listing l = {.jni = jni};
    if ((*jni)->PushLocalFrame(jni, 64) != 0) return "out of memory";
    /* Checked first, as Dump does (RuntimeModules.missing): a runtime made by jlink without java.management. */
    jclass management = (*jni)->FindClass(jni, "java/lang/management/ThreadMXBean");
    if (management == NULL) {
        (*jni)->ExceptionClear(jni);
        (*jni)->PopLocalFrame(jni, NULL);
        char *home = java_properties_get(jni, "java.home");
        snprintf(why, why_size, "listing locks and deadlocks needs the java.management module, which the Java runtime"
                 " in %s does not have: add it (jlink --add-modules java.management, or java --add-modules"
                 " java.management)", home != NULL ? home : "?");
        free(home);
        return why;
    }
    const char *failure = NULL;
    jobject bean = thread_bean(jni);
    const char *ti = "java/lang/management/ThreadInfo";
    const char *li = "java/lang/management/LockInfo";
    const char *mx = "java/lang/management/ThreadMXBean";
    if (bean != NULL) {
        l.thread_id = method(&l, ti, "getThreadId", "()J");
        l.thread_name = method(&l, ti, "getThreadName", "()Ljava/lang/String;");
        l.thread_state = method(&l, ti, "getThreadState", "()Ljava/lang/Thread$State;");
        l.locked_monitors = method(&l, ti, "getLockedMonitors", "()[Ljava/lang/management/MonitorInfo;");
        l.lock_info = method(&l, ti, "getLockInfo", "()Ljava/lang/management/LockInfo;");
        l.lock_owner_id = method(&l, ti, "getLockOwnerId", "()J");
        l.lock_owner_name = method(&l, ti, "getLockOwnerName", "()Ljava/lang/String;");
        l.enum_name = method(&l, "java/lang/Enum", "name", "()Ljava/lang/String;");
        l.lock_class_name = method(&l, li, "getClassName", "()Ljava/lang/String;");
        l.lock_hash = method(&l, li, "getIdentityHashCode", "()I");
    }
    jmethodID monitors_supported = bean == NULL ? NULL : method(&l, mx, "isObjectMonitorUsageSupported", "()Z");
    jmethodID synchronizers_supported = bean == NULL ? NULL : method(&l, mx, "isSynchronizerUsageSupported", "()Z");
    jmethodID dump_all = bean == NULL ? NULL : method(&l, mx, "dumpAllThreads", "(ZZ)[Ljava/lang/management/ThreadInfo;");
    jmethodID find_all = bean == NULL ? NULL : method(&l, mx, "findDeadlockedThreads", "()[J");
    jmethodID find_monitor = bean == NULL ? NULL : method(&l, mx, "findMonitorDeadlockedThreads", "()[J");
    if (bean == NULL || l.thread_id == NULL || l.thread_name == NULL || l.thread_state == NULL
        || l.locked_monitors == NULL || l.lock_info == NULL || l.lock_owner_id == NULL || l.lock_owner_name == NULL
        || l.enum_name == NULL || l.lock_class_name == NULL || l.lock_hash == NULL || monitors_supported == NULL
        || synchronizers_supported == NULL || dump_all == NULL || find_all == NULL || find_monitor == NULL) {
        failure = exception_failure(&l);
        (*jni)->PopLocalFrame(jni, NULL);
        return failure != NULL ? failure : "the JVM did not list its locks: its ThreadMXBean was not found";
    }

    jboolean with_monitors = (*jni)->CallBooleanMethod(jni, bean, monitors_supported);
    jobjectArray infos = (*jni)->ExceptionCheck(jni) ? NULL
            : (jobjectArray)(*jni)->CallObjectMethod(jni, bean, dump_all, with_monitors, JNI_FALSE);
    jboolean with_synchronizers = infos == NULL ? JNI_FALSE : (*jni)->CallBooleanMethod(jni, bean, synchronizers_supported);
    jlongArray deadlocked = infos == NULL || (*jni)->ExceptionCheck(jni) ? NULL
            : (jlongArray)(*jni)->CallObjectMethod(jni, bean, with_synchronizers ? find_all : find_monitor);
    if ((failure = exception_failure(&l)) != NULL || infos == NULL) {
        (*jni)->PopLocalFrame(jni, NULL);
        return failure != NULL ? failure : "the JVM did not list its locks";
    }

    jsize count = (*jni)->GetArrayLength(jni, infos);
    jlong *ids = calloc((size_t)count + 1, sizeof(jlong));
    jlong *owners = calloc((size_t)count + 1, sizeof(jlong));
    char *present = calloc((size_t)count + 1, 1);
    text_buffer *waited = calloc((size_t)count + 1, sizeof(text_buffer)); /* the lock each thread waits for, if owned */
    if (ids == NULL || owners == NULL || present == NULL || waited == NULL) {
        free(ids);
        free(owners);
        free(present);
        free(waited);
        (*jni)->PopLocalFrame(jni, NULL);
        return "out of memory";
    }
    for (jsize i = 0; i < count; i++) {
        (*jni)->PushLocalFrame(jni, 16);
        jobject info = (*jni)->GetObjectArrayElement(jni, infos, i);
        if (info != NULL) { /* null: ended meanwhile */
            present[i] = 1;
            ids[i] = (*jni)->CallLongMethod(jni, info, l.thread_id);
            owners[i] = (*jni)->CallLongMethod(jni, info, l.lock_owner_id);
            jobject lock = (*jni)->CallObjectMethod(jni, info, l.lock_info);
            if (lock != NULL && owners[i] >= 0) {
                append_lock(&l, &waited[i], lock);
                text_buffer_append_string(&waited[i], "\n");
            }
        }
        (*jni)->PopLocalFrame(jni, NULL);
    }

    text_buffer_append_string(out, "crashcap-locks\t1\n");
    for (jsize i = 0; i < count; i++) {
        if (!present[i]) continue;
        /* LocksFile.heldByOwners: every lock a waiter says this thread owns, in the waiters' order. */
        text_buffer inferred = {0};
        for (jsize w = 0; w < count; w++) {
            const char *line = present[w] && owners[w] == ids[i] ? text_buffer_text(&waited[w]) : NULL;
            if (line != NULL) text_buffer_append_string(&inferred, line);
        }
        (*jni)->PushLocalFrame(jni, 64);
        jobject info = (*jni)->GetObjectArrayElement(jni, infos, i);
        append_thread(&l, out, info, text_buffer_text(&inferred));
        (*jni)->PopLocalFrame(jni, NULL);
        text_buffer_free(&inferred);
        if ((failure = exception_failure(&l)) != NULL) break;
    }
    if (failure == NULL) {
        jsize n = deadlocked == NULL ? 0 : (*jni)->GetArrayLength(jni, deadlocked);
        jlong *dead = n == 0 ? NULL : (*jni)->GetLongArrayElements(jni, deadlocked, NULL);
        /* Java's ownerOf: the threads listed, in order, each with its lock's owner. */
        jsize listed = 0;
        for (jsize i = 0; i < count; i++) {
            if (!present[i]) continue;
            ids[listed] = ids[i];
            owners[listed] = owners[i];
            listed++;
        }
        if (dead != NULL) {
            append_deadlocks(out, ids, owners, listed, dead, n);
            (*jni)->ReleaseLongArrayElements(jni, deadlocked, dead, JNI_ABORT);
        }
        text_buffer_append_string(out, "end\tcomplete\n");
    }
    for (jsize i = 0; i < count; i++) text_buffer_free(&waited[i]);
    free(ids);
    free(owners);
    free(present);
    free(waited);
    (*jni)->PopLocalFrame(jni, NULL);
    if (failure != NULL) return failure;
    return text_buffer_text(out) == NULL ? "out of memory" : NULL;
}
