/* Native threads that need their alternate signal stack at once (issue 9, item 4), for ThreadStartApp:
 * a pthread that overflows its stack as soon as it starts, a pthread that installs its own alternate
 * stack, threads that end in each way (do they give their stack back?), and plain pthread_create + join
 * for bench/ThreadStartBench. Part of libcrashcaptest.so. */
#define _GNU_SOURCE 1
#include <jni.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/mman.h>
#include <time.h>

#define EXPORT __attribute__((visibility("default"), noinline))

/* Unbounded recursion, in crashcaptest.c. */
int crashcaptest_recurse(int depth);

static volatile int sink;

static void run_and_join(void *(*routine)(void *), int stack_kib) {
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, (size_t)stack_kib * 1024);
    if (pthread_create(&thread, &attributes, routine, NULL) == 0) pthread_join(thread, NULL);
    pthread_attr_destroy(&attributes);
}

EXPORT void *thread_start_overflow_main(void *unused) {
    pthread_setname_np(pthread_self(), "cc-early");
    sink = crashcaptest_recurse(0); /* at once: long before any sweep of new threads */
    return unused;
}

EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_ThreadStartApp_overflowNewThread(JNIEnv *env, jclass cls,
                                                                                         jint stack_kib) {
    run_and_join(thread_start_overflow_main, stack_kib);
}

/* Installs an alternate stack of its own, waits for two sweeps of new threads, says whether it still
 * has that stack, then overflows. */
#define OWN_ALTSTACK_BYTES (1024 * 1024)

EXPORT void *thread_start_own_altstack_main(void *unused) {
    pthread_setname_np(pthread_self(), "cc-own-altstack");
    void *memory = mmap(NULL, OWN_ALTSTACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return unused;
    stack_t own = { .ss_sp = memory, .ss_size = OWN_ALTSTACK_BYTES, .ss_flags = 0 };
    if (sigaltstack(&own, NULL) != 0) return unused;
    struct timespec pause = { 0, 600 * 1000000L };
    nanosleep(&pause, NULL);
    stack_t now;
    sigaltstack(NULL, &now);
    printf("own altstack kept: %s\n", now.ss_sp == memory && now.ss_size == OWN_ALTSTACK_BYTES ? "true" : "false");
    fflush(stdout);
    sink = crashcaptest_recurse(0);
    return unused;
}

EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_ThreadStartApp_ownAltstackThenOverflow(JNIEnv *env, jclass cls,
                                                                                               jint stack_kib) {
    run_and_join(thread_start_own_altstack_main, stack_kib);
}

static void *do_nothing(void *arg) {
    return arg;
}

/* count times pthread_create (default attributes) + pthread_join; returns the nanoseconds it took. */
EXPORT JNIEXPORT jlong JNICALL Java_dev_crashcap_testapp_ThreadStartApp_createAndJoin(JNIEnv *env, jclass cls,
                                                                                      jint count) {
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (jint i = 0; i < count; i++) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, do_nothing, NULL) != 0) return -1;
        pthread_join(thread, NULL);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    return (jlong)(end.tv_sec - start.tv_sec) * 1000000000L + (end.tv_nsec - start.tv_nsec);
}

/* ---- threads that end by returning, by pthread_exit, by cancellation --------------------------- */

enum { END_RETURN = 0, END_PTHREAD_EXIT, END_CANCELLED };

static void *ends_by_return(void *arg) {
    return arg;
}

static void *ends_by_pthread_exit(void *arg) {
    pthread_exit(arg);
}

static void *waits_to_be_cancelled(void *arg) {
    for (;;) pause(); /* a cancellation point */
    return arg;
}

/* Lines of /proc/self/maps: one per mapping. */
static int count_mappings(void) {
    FILE *maps = fopen("/proc/self/maps", "re");
    if (maps == NULL) return -1;
    int lines = 0;
    for (int c; (c = fgetc(maps)) != EOF;) lines += c == '\n';
    fclose(maps);
    return lines;
}

/* Starts count threads one after another that end the given way, joins each, and returns by how many
 * mappings the process grew: a thread that kept its alternate stack (three mappings with its guard
 * pages) would grow it by three. */
EXPORT JNIEXPORT jint JNICALL Java_dev_crashcap_testapp_ThreadStartApp_mappingsGrowth(JNIEnv *env, jclass cls, jint how,
                                                                                     jint count) {
    void *(*routines[])(void *) = { ends_by_return, ends_by_pthread_exit, waits_to_be_cancelled };
    int before = count_mappings();
    for (jint i = 0; i < count; i++) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, routines[how], NULL) != 0) return -1;
        if (how == END_CANCELLED) pthread_cancel(thread);
        pthread_join(thread, NULL);
    }
    return count_mappings() - before;
}
