/* Installing the fatal-signal hook (handler/signal_handler.c) at arming time. */
#ifndef CRASHCAP_SIGNAL_INSTALL_H
#define CRASHCAP_SIGNAL_INSTALL_H

/* Returns NULL, or a static error message. Installing twice does nothing. */
const char *signal_handler_install(void);
int signal_handler_installed(void);

#endif
