/* Crash shapes for the outcome tests (dev.crashcap.testapp.Storms): many threads crashing at once, and
 * a native thread crashing while the main thread sleeps in native code. Built into libcrashcaptest.so
 * with the same flags as crashcaptest.c (whose crashcaptest_level1 chain the JNI storm uses). */
#define _GNU_SOURCE 1
#include <jni.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default"), noinline))

int crashcaptest_level1(int how, int value); /* crashcaptest.c; how 1 = write through a null pointer */

static volatile int storm_sink;
static pthread_barrier_t storm_barrier;

/* Blocks every real-time signal on the calling thread, crashcap's service signal among them. A storm
 * thread does this so that it certainly reaches its crash: a thread that answered a capture's service
 * signal first is held in the handler until the process ends and never crashes, which is right, but
 * would make the number of crashing threads a matter of timing. */
EXPORT void crashcaptest_block_realtime_signals(void) {
    sigset_t realtime;
    sigemptyset(&realtime);
    for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++) sigaddset(&realtime, sig);
    pthread_sigmask(SIG_BLOCK, &realtime, NULL);
}

/* The storm's threads all wait here and are released together (one futex wake). */
EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_Storms_prepareBarrier(JNIEnv *env, jclass cls, jint threads) {
    pthread_barrier_init(&storm_barrier, NULL, (unsigned)threads);
}

EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_Storms_blockRealtimeSignalsAndWait(JNIEnv *env, jclass cls) {
    crashcaptest_block_realtime_signals();
    pthread_barrier_wait(&storm_barrier);
}

/* A JNI crash of a storm thread: released with the others, then SIGSEGV in crashcaptest_write_null. */
EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_Storms_jniCrash(JNIEnv *env, jclass cls) {
    crashcaptest_block_realtime_signals();
    pthread_barrier_wait(&storm_barrier);
    storm_sink = crashcaptest_level1(1, 7);
}

EXPORT void *crashcaptest_storm_thread_main(void *index) {
    char name[16];
    snprintf(name, sizeof name, "cc-storm-%d", (int)(long)index);
    pthread_setname_np(pthread_self(), name);
    crashcaptest_block_realtime_signals();
    pthread_barrier_wait(&storm_barrier);
    storm_sink = crashcaptest_level1(1, (int)(long)index);
    return index;
}

/* Native pthreads (never attached to the JVM) named cc-storm-<n>, all crashing at once. Returns when
 * they are started; they wait for each other at the barrier. */
EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_Storms_startNativeStorm(JNIEnv *env, jclass cls, jint threads) {
    for (long i = 0; i < threads; i++) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setstacksize(&attributes, 256 * 1024);
        pthread_create(&thread, &attributes, crashcaptest_storm_thread_main, (void *)i);
        pthread_attr_destroy(&attributes);
        pthread_detach(thread);
    }
}

/* ---- a native thread crashes while main sleeps in native code --------------------------------- */

static int late_crash_millis;

EXPORT void *crashcaptest_late_crash_main(void *unused) {
    pthread_setname_np(pthread_self(), "cc-late-crash");
    struct timespec pause = { late_crash_millis / 1000, (long)(late_crash_millis % 1000) * 1000000 };
    while (nanosleep(&pause, &pause) != 0) {
    }
    storm_sink = crashcaptest_level1(1, 3);
    return unused;
}

/* Starts a native thread that writes through a null pointer after crashMillis, then sleeps with
 * sleep(3) for sleepSeconds and returns what sleep returned: the seconds left when a signal handler
 * interrupted it (sleep is never restarted: signal(7)). */
EXPORT JNIEXPORT jint JNICALL Java_dev_crashcap_testapp_Storms_sleepWhileNativeThreadCrashes(
        JNIEnv *env, jclass cls, jint crashMillis, jint sleepSeconds) {
    late_crash_millis = crashMillis;
    pthread_t thread;
    pthread_create(&thread, NULL, crashcaptest_late_crash_main, NULL);
    pthread_detach(thread);
    return (jint)sleep((unsigned)sleepSeconds);
}
