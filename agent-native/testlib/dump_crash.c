/* A Java thread that crashes while a live dump (crashcap dump) is under way, lined up without any timing
 * (CrashDuringDumpIT). The crasher keeps the real-time signals blocked, so it never answers the dump's request for its
 * stack: it is a thread whose request is still pending when it crashes, the case that matters (a thread that answered
 * first and crashed later is an ordinary thread to the dump). A helper pthread waits in sigsuspend for the first
 * real-time signal with a handler: crashcap's service signal, which only a dump sends it (it waits until it has its
 * alternate signal stack, after which the thread sweep never signals it). The dump's signal wakes it, its handler
 * answers the dump, and it tells the crasher over a pipe: the crasher crashes while the dump waits for its answer.
 * Part of libcrashcaptest.so. */
#define _GNU_SOURCE 1
#include <jni.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default"), noinline))

static atomic_int waiting;
static int wake[2];
static volatile int sink;

static void realtime_signals(sigset_t *set) {
    sigemptyset(set);
    for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++) sigaddset(set, sig);
}

/* Until crashcap gave this thread its alternate signal stack (at its start, or from the sweep's signal). */
static void await_altstack(void) {
    stack_t current;
    struct timespec pause = { 0, 5 * 1000000 };
    while (sigaltstack(NULL, &current) == 0 && (current.ss_flags & SS_DISABLE)) nanosleep(&pause, NULL);
}

static void *helper_main(void *unused) {
    pthread_setname_np(pthread_self(), "dump-helper");
    sigset_t realtime, open;
    realtime_signals(&realtime);
    pthread_sigmask(SIG_UNBLOCK, &realtime, NULL); /* the sweep's signal, if it comes, is handled here */
    await_altstack();
    pthread_sigmask(SIG_BLOCK, &realtime, &open); /* from here on a signal that comes stays pending... */
    atomic_store(&waiting, 1);
    sigsuspend(&open); /* ...until this: returns once a handler ran, the dump's request answered */
    (void)!write(wake[1], "x", 1);
    for (;;) sigsuspend(&open); /* answers the crash's capture as any thread does */
    return unused;
}

EXPORT void crashcaptest_dump_crash_site(int *state) {
    state[1] = 0; /* a null pointer: SIGSEGV */
    sink = 1;
}

EXPORT void crashcaptest_crash_during_dump(void) {
    sigset_t realtime;
    realtime_signals(&realtime);
    pthread_sigmask(SIG_BLOCK, &realtime, NULL);
    if (pipe(wake) != 0) return;
    pthread_t helper;
    pthread_create(&helper, NULL, helper_main, NULL);
    pthread_detach(helper);
    char byte;
    while (read(wake[0], &byte, 1) != 1) {
    }
    crashcaptest_dump_crash_site(NULL);
    sink = 2;
}

EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_DumpCrash_crashDuringDump(JNIEnv *env, jclass cls) {
    crashcaptest_crash_during_dump();
}

EXPORT JNIEXPORT jboolean JNICALL Java_dev_crashcap_testapp_DumpCrash_waiting(JNIEnv *env, jclass cls) {
    return atomic_load(&waiting) ? JNI_TRUE : JNI_FALSE;
}
