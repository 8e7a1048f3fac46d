/* A JNI library with a SIGSEGV handler of its own, installed after crashcap armed
 * (dev.crashcap.testapp.OwnHandlerCrasher), as libraries that report their own crashes do: it notes the signal on
 * stderr and chains to the handler it replaced (crashcap's, or HotSpot's without crashcap), which must then see the
 * signal as if first. HotSpot's own SIGSEGVs (implicit null checks, safepoint polls) pass through it too.
 * Built into libcrashcaptest.so with the flags of crashcaptest.c. */
#define _GNU_SOURCE 1
#include <jni.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default"), noinline))

static struct sigaction replaced;

static void own_segv_handler(int sig, siginfo_t *info, void *context) {
    /* Only a real crash is noted: HotSpot's own SIGSEGVs come here too, and must pass silently. */
    static const char note[] = "own handler: chaining\n";
    if (info->si_addr == NULL) {
        ssize_t ignored = write(2, note, sizeof note - 1);
        (void)ignored;
    }
    if (replaced.sa_flags & SA_SIGINFO) {
        replaced.sa_sigaction(sig, info, context);
    } else if (replaced.sa_handler != SIG_DFL && replaced.sa_handler != SIG_IGN) {
        replaced.sa_handler(sig);
    } else {
        signal(sig, SIG_DFL); /* the fault happens again on return, and kills the process */
    }
}

EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_OwnHandlerCrasher_installOwnSegvHandler(JNIEnv *env, jclass cls) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = own_segv_handler;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigfillset(&action.sa_mask);
    sigaction(SIGSEGV, &action, &replaced);
}
