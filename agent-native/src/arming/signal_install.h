/* Installing the fatal-signal hook (handler/signal_handler.c) at arming time. */
#ifndef CRASHCAP_SIGNAL_INSTALL_H
#define CRASHCAP_SIGNAL_INSTALL_H

#include <signal.h>

/* Returns NULL, or a static error message. Installing twice does nothing. */
const char *signal_handler_install(void);
int signal_handler_installed(void);

/* Removes from mask the signals a fault raises (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP): crashcap's handlers
 * never block them, so that a fault inside a capture reaches its guard. */
void error_signals_unblocked(sigset_t *mask);

#endif
