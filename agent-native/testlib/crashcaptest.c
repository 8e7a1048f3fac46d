/* A JNI library that crashes on purpose, for crashcap's tests and demo. Each way of dying is reached
 * through the same chain of C functions, so a test can check that the whole chain was recovered:
 *   crashcaptest_<how> <- crashcaptest_level3 <- crashcaptest_level2 <- crashcaptest_level1
 *   <- Java_dev_crashcap_testapp_Crasher_crash
 * It is built -O1 -fomit-frame-pointer (see CMakeLists.txt): no frame-pointer chain to follow. */
#define _GNU_SOURCE 1
#include <jni.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default"), noinline))

enum { CRASH_SEGV = 1, CRASH_BUS, CRASH_FPE, CRASH_ILL, CRASH_ABORT, CRASH_DOUBLE_FREE, CRASH_GP, CRASH_BAD_JOBJECT };

/* The JNIEnv of the thread inside Java_dev_crashcap_testapp_Crasher_crash, for the crash that misuses JNI: the
 * chain of C functions keeps its (how, value) signature for every way of dying. One thread crashes; no locking. */
static JNIEnv *crashing_env;

/* Keeps values and calls from being optimised away. */
static volatile int sink;

EXPORT int crashcaptest_write_null(int value) {
    volatile int *nowhere = (volatile int *)0;
    *nowhere = value;
    return value + 1;
}

/* SIGBUS: touch a page of a file mapping that lies beyond the end of the (empty) file. */
EXPORT int crashcaptest_read_past_file_end(int value) {
    char path[] = "/tmp/crashcaptest-bus-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    unlink(path);
    volatile char *page = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    if (page == MAP_FAILED) return -1;
    return page[value & 0xff] + value;
}

EXPORT int crashcaptest_divide_by_zero(int value) {
#if defined(__aarch64__)
    /* aarch64 has no trap for integer division by zero: it returns 0. */
    raise(SIGFPE);
    return value;
#else
    volatile int zero = 0;
    return value / zero;
#endif
}

EXPORT int crashcaptest_illegal_instruction(int value) {
#if defined(__x86_64__)
    __asm__ volatile("ud2");
#elif defined(__aarch64__)
    __asm__ volatile(".inst 0x00000000"); /* udf #0 */
#endif
    return value;
}

EXPORT int crashcaptest_abort(int value) {
    abort();
    return value;
}

EXPORT int crashcaptest_double_free(int value) {
    char *volatile block = malloc(48);
    block[0] = (char)value;
    free(block);
    free(block);
    return value;
}

/* A general-protection fault: 0x8000000000000000 is not canonical on x86_64 (bits 63..47 differ), so the CPU
 * raises #GP, which Linux delivers as SIGSEGV with si_code SI_KERNEL and no fault address. Elsewhere an
 * ordinary fault at a bad address. */
EXPORT int crashcaptest_non_canonical(int value) {
    volatile int *far_away = (volatile int *)(uintptr_t)0x8000000000000000ULL;
    return *far_away + value;
}

/* JNI misuse that kills the JVM inside libjvm: a local reference used after DeleteLocalRef. HotSpot clears the
 * handle's slot, so GetObjectClass reads the class of a null object inside the JVM (-Xcheck:jni would catch it). */
EXPORT int crashcaptest_use_deleted_ref(int value) {
    JNIEnv *env = crashing_env;
    jobject text = (*env)->NewStringUTF(env, "soon deleted");
    (*env)->DeleteLocalRef(env, text);
    jclass cls = (*env)->GetObjectClass(env, text);
    return value + (cls != NULL);
}

EXPORT int crashcaptest_level3(int how, int value) {
    int result = 0;
    switch (how) {
    case CRASH_SEGV: result = crashcaptest_write_null(value); break;
    case CRASH_BUS: result = crashcaptest_read_past_file_end(value); break;
    case CRASH_FPE: result = crashcaptest_divide_by_zero(value); break;
    case CRASH_ILL: result = crashcaptest_illegal_instruction(value); break;
    case CRASH_ABORT: result = crashcaptest_abort(value); break;
    case CRASH_DOUBLE_FREE: result = crashcaptest_double_free(value); break;
    case CRASH_GP: result = crashcaptest_non_canonical(value); break;
    case CRASH_BAD_JOBJECT: result = crashcaptest_use_deleted_ref(value); break;
    }
    sink = result;
    return result + 3;
}

EXPORT int crashcaptest_level2(int how, int value) {
    int result = crashcaptest_level3(how, value + 2);
    sink = result;
    return result * 2;
}

EXPORT int crashcaptest_level1(int how, int value) {
    int result = crashcaptest_level2(how, value + 1);
    sink = result;
    return result - 1;
}

EXPORT JNIEXPORT jint JNICALL Java_dev_crashcap_testapp_Crasher_crash(JNIEnv *env, jclass cls, jint how) {
    crashing_env = env;
    int result = crashcaptest_level1(how, 7);
    sink = result;
    return result;
}

/* ---- threads in known states, for the all-threads capture ------------------------------------ */

EXPORT void crashcaptest_sleep_inner(int millis) {
    struct timespec pause = { millis / 1000, (long)(millis % 1000) * 1000000 };
    while (nanosleep(&pause, &pause) != 0) {
    }
    sink = millis;
}

EXPORT void crashcaptest_sleep_outer(int millis) {
    crashcaptest_sleep_inner(millis);
    sink = millis + 1;
}

EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_Crasher_sleepInNative(JNIEnv *env, jclass cls, jint millis) {
    crashcaptest_sleep_outer(millis);
    sink = 0;
}

EXPORT void crashcaptest_native_idle(void) {
    for (;;) crashcaptest_sleep_inner(1000);
}

EXPORT void *crashcaptest_native_thread_main(void *name) {
    pthread_setname_np(pthread_self(), (const char *)name);
    crashcaptest_native_idle();
    return name;
}

/* A thread no JVM knows about: created here, never attached. */
EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_Crasher_startNativeThread(JNIEnv *env, jclass cls, jstring name) {
    const char *chars = (*env)->GetStringUTFChars(env, name, NULL);
    char *copy = strdup(chars);
    (*env)->ReleaseStringUTFChars(env, name, chars);
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, 256 * 1024);
    pthread_create(&thread, &attributes, crashcaptest_native_thread_main, copy);
    pthread_attr_destroy(&attributes);
    pthread_detach(thread);
}

/* A thread that blocks every signal, as some native worker threads do: it cannot answer a capture. */
EXPORT void *crashcaptest_deaf_thread_main(void *unused) {
    pthread_setname_np(pthread_self(), "cc-deaf");
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    crashcaptest_native_idle();
    return unused;
}

EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_Crasher_startDeafThread(JNIEnv *env, jclass cls) {
    pthread_t thread;
    pthread_create(&thread, NULL, crashcaptest_deaf_thread_main, NULL);
    pthread_detach(thread);
}

/* ---- native stack overflow -------------------------------------------------------------------- */

/* Unbounded recursion. The volatile local array keeps each frame real and the work after the call
 * keeps it from becoming a loop. */
EXPORT int crashcaptest_recurse(int depth) {
    volatile char frame[64];
    frame[depth & 63] = (char)depth;
    int result = crashcaptest_recurse(depth + 1);
    return result + frame[(depth + 1) & 63];
}

EXPORT JNIEXPORT jint JNICALL Java_dev_crashcap_testapp_Crasher_recurseForever(JNIEnv *env, jclass cls) {
    int result = crashcaptest_recurse(0);
    sink = result;
    return result;
}

EXPORT void *crashcaptest_overflow_thread_main(void *unused) {
    pthread_setname_np(pthread_self(), "cc-overflow");
    /* Give the agent's sweep of new threads time to give this thread an alternate signal stack. */
    crashcaptest_sleep_inner(1500);
    sink = crashcaptest_recurse(0);
    return unused;
}

EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_Crasher_overflowNativeThread(JNIEnv *env, jclass cls, jint stack_kib) {
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, (size_t)stack_kib * 1024);
    pthread_create(&thread, &attributes, crashcaptest_overflow_thread_main, NULL);
    pthread_attr_destroy(&attributes);
    pthread_join(thread, NULL);
}

/* Harmless: a JNI call that returns, for healthy-JVM tests. */
EXPORT JNIEXPORT jint JNICALL Java_dev_crashcap_testapp_Crasher_add(JNIEnv *env, jclass cls, jint a, jint b) {
    return a + b;
}
