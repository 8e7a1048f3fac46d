/* The fatal-signal hook: chains to HotSpot for everything the JVM handles itself, captures a bundle
 * for a real crash, then hands the signal back to the JVM (hs_err) or to the default action. */
#ifndef CRASHCAP_SIGNAL_HANDLER_H
#define CRASHCAP_SIGNAL_HANDLER_H

#include <signal.h>
#include <stddef.h>

/* HotSpot's documented hook for user signal handlers (signals_posix.cpp): returns non-zero when the
 * JVM handled the signal as part of its normal work (implicit null checks, safepoint polls, stack
 * banging, deoptimisation traps); with abort_if_unrecognized it reports the crash (hs_err) and dies. */
typedef int (*jvm_signal_hook)(int sig, siginfo_t *info, void *ucontext, int abort_if_unrecognized);

/* What the handler chains to, filled once by arming/signal_install.c before the handler is installed. */
typedef struct {
    struct sigaction previous[NSIG]; /* the handlers before ours */
    jvm_signal_hook jvm_hook;        /* JVM_handle_linux_signal, or NULL */
    /* With libjsig preloaded, our sigaction is only recorded and the JVM calls us as its chained
     * handler: then calling jvm_hook would recurse into us. */
    int chained_by_libjsig;
} signal_chain;

extern signal_chain crash_chain;

/* The handler of SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT (installed by signal_install.c). */
void crash_handler(int sig, siginfo_t *info, void *ucontext);

/* A live snapshot bundle (capture_snapshot), taken only when no crash capture runs: a crash during
 * it waits for it to end. Returns NULL and the path, or an error message. */
const char *signal_handler_snapshot(const char *folder, char *path, size_t path_size);

#endif
