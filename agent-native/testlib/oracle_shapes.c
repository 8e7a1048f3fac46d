/* Stack shapes for the oracle tests (issue 9): threads that sit still in native code at known depths, a native
 * pthread, nested JNI calls (Java -> JNI A -> Java -> JNI C), a thread blocked in read(), so that crashcap's frames
 * can be compared with gdb's of the same still process; and a general-protection fault. liboracleshapes.so, built
 * like libcrashcaptest.so (-O1, no frame pointers, no sibling calls: every call below is a real frame). */
#define _GNU_SOURCE 1
#include <jni.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default"), noinline))

static volatile int oracle_sink;
static int oracle_arrived; /* threads that reached the place where they stay (atomic builtins) */

static void oracle_arrive(void) {
    __atomic_add_fetch(&oracle_arrived, 1, __ATOMIC_SEQ_CST);
}

EXPORT JNIEXPORT jint JNICALL Java_dev_crashcap_testapp_OracleShapes_arrived(JNIEnv *env, jclass cls) {
    return __atomic_load_n(&oracle_arrived, __ATOMIC_SEQ_CST);
}

/* Sleeps for ever, one second at a time: a thread that stays where it is. */
EXPORT void oracle_sleep_forever(void) {
    oracle_arrive();
    for (;;) {
        struct timespec second = { 1, 0 };
        while (nanosleep(&second, &second) != 0) {
        }
        oracle_sink++;
    }
}

/* depth frames of oracle_descend above oracle_sleep_forever. */
EXPORT int oracle_descend(int depth) {
    if (depth <= 1) {
        oracle_sleep_forever();
        return 0;
    }
    int result = oracle_descend(depth - 1);
    oracle_sink = result;
    return result + 1;
}

EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_OracleShapes_sleepAtDepth(JNIEnv *env, jclass cls, jint depth) {
    oracle_sink = oracle_descend(depth);
}

/* Nested JNI: A calls the static Java method named by `method` (()V), which calls nestedC. */
EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_OracleShapes_nestedA(JNIEnv *env, jclass cls, jstring method) {
    const char *name = (*env)->GetStringUTFChars(env, method, NULL);
    jmethodID id = (*env)->GetStaticMethodID(env, cls, name, "()V");
    (*env)->ReleaseStringUTFChars(env, method, name);
    if (id != NULL) (*env)->CallStaticVoidMethod(env, cls, id);
    oracle_sink = 1;
}

EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_OracleShapes_nestedC(JNIEnv *env, jclass cls) {
    oracle_sink = oracle_descend(2);
}

/* Blocked in read() on a pipe nobody writes to. */
EXPORT int oracle_read_blocked(int fd) {
    char byte;
    ssize_t got;
    oracle_arrive();
    do {
        got = read(fd, &byte, 1);
    } while (got != 0);
    return (int)got;
}

EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_OracleShapes_readForever(JNIEnv *env, jclass cls) {
    int fds[2];
    if (pipe(fds) != 0) return;
    oracle_sink = oracle_read_blocked(fds[0]);
}

/* Native threads, never attached to the JVM: one asleep three frames deep, one waiting on a condition variable. */
static pthread_mutex_t oracle_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t oracle_never = PTHREAD_COND_INITIALIZER;

EXPORT void *oracle_pthread_sleeper(void *unused) {
    pthread_setname_np(pthread_self(), "oracle-pthread");
    oracle_sink = oracle_descend(3);
    return unused;
}

EXPORT void oracle_wait_forever(void) {
    pthread_mutex_lock(&oracle_mutex);
    oracle_arrive();
    for (;;) pthread_cond_wait(&oracle_never, &oracle_mutex);
}

EXPORT void *oracle_pthread_waiter(void *unused) {
    pthread_setname_np(pthread_self(), "oracle-condwait");
    oracle_wait_forever();
    return unused;
}

EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_OracleShapes_startNativeThreads(JNIEnv *env, jclass cls) {
    pthread_t thread;
    pthread_create(&thread, NULL, oracle_pthread_sleeper, NULL);
    pthread_detach(thread);
    pthread_create(&thread, NULL, oracle_pthread_waiter, NULL);
    pthread_detach(thread);
}

/* A general-protection fault: a non-canonical address is no page the MMU can look up, so the kernel sends SIGSEGV
 * with si_code SI_KERNEL and si_addr 0, though the pointer is 0x4141414141414141 (in a register). */
static volatile uintptr_t oracle_bad_pointer = 0x4141414141414141ULL;

EXPORT int oracle_general_protection(int value) {
    /* Read from memory, so the pointer is in a register at the fault (a constant address could be encoded in the
     * instruction itself: movabs). */
    volatile int *pointer = (volatile int *)oracle_bad_pointer;
    *pointer = value;
    return value + 1;
}

EXPORT JNIEXPORT jint JNICALL Java_dev_crashcap_testapp_OracleShapes_generalProtection(JNIEnv *env, jclass cls) {
    int result = oracle_general_protection(7);
    oracle_sink = result;
    return result;
}

/* Nested JNI that crashes (issue 10): Java -> JNI A (nestedA) -> CallStaticVoidMethod -> Java B -> JNI C
 * (nestedCrashC) -> oracle_crash_descend -> oracle_write_null, which writes through a null pointer. */
static volatile int *volatile oracle_null_pointer;

EXPORT int oracle_write_null(int value) {
    *oracle_null_pointer = value;
    return value + 1;
}

EXPORT int oracle_crash_descend(int value) {
    int result = oracle_write_null(value + 1);
    oracle_sink = result;
    return result + 1;
}

EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_OracleShapes_nestedCrashC(JNIEnv *env, jclass cls) {
    oracle_sink = oracle_crash_descend(1);
}

/* Called on every round of a hot Java loop: crashes (a null write, two native frames down) on the round asked for. */
EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_OracleShapes_crashOnRound(JNIEnv *env, jclass cls, jint round,
                                                                                jint fatal) {
    if (round == fatal) oracle_sink = oracle_crash_descend(round);
}
