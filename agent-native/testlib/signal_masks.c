/* What a JVM's signal handlers block (dev.crashcap.testapp.SignalMasks): for one signal, the module of its handler
 * and its sa_mask, as the kernel will apply it on delivery. With crashcap armed the handler of SIGSEGV is crashcap's,
 * which calls HotSpot's from inside itself: its mask must be HotSpot's. Built into libcrashcaptest.so. */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <jni.h>
#include <signal.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default"), noinline))

/* Bit n-1 set when signal n (1..64) is in the handler's mask. */
EXPORT JNIEXPORT jlong JNICALL Java_dev_crashcap_testapp_SignalMasks_handlerMask(JNIEnv *env, jclass cls, jint sig) {
    struct sigaction current;
    if (sigaction(sig, NULL, &current) != 0) return -1;
    unsigned long long bits = 0;
    for (int n = 1; n <= 64; n++) {
        if (sigismember(&current.sa_mask, n) == 1) bits |= 1ull << (n - 1);
    }
    return (jlong)bits;
}

/* The file of the module the handler is in, "" for SIG_DFL and SIG_IGN. */
EXPORT JNIEXPORT jstring JNICALL Java_dev_crashcap_testapp_SignalMasks_handlerModule(JNIEnv *env, jclass cls, jint sig) {
    struct sigaction current;
    if (sigaction(sig, NULL, &current) != 0) return (*env)->NewStringUTF(env, "?");
    void *handler = (current.sa_flags & SA_SIGINFO) ? (void *)current.sa_sigaction : (void *)current.sa_handler;
    if (handler == (void *)SIG_DFL || handler == (void *)SIG_IGN) return (*env)->NewStringUTF(env, "");
    Dl_info info;
    if (dladdr(handler, &info) == 0 || info.dli_fname == NULL) return (*env)->NewStringUTF(env, "?");
    return (*env)->NewStringUTF(env, info.dli_fname);
}

EXPORT JNIEXPORT jint JNICALL Java_dev_crashcap_testapp_SignalMasks_realTimeMin(JNIEnv *env, jclass cls) {
    return SIGRTMIN;
}

EXPORT JNIEXPORT jint JNICALL Java_dev_crashcap_testapp_SignalMasks_realTimeMax(JNIEnv *env, jclass cls) {
    return SIGRTMAX;
}
