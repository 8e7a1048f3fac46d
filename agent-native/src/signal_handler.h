/* The fatal-signal hook: chains to HotSpot for everything the JVM handles itself, captures a bundle
 * for a real crash, then hands the signal back to the JVM (hs_err) or to the default action. */
#ifndef CRASHCAP_SIGNAL_HANDLER_H
#define CRASHCAP_SIGNAL_HANDLER_H

/* Install time. Returns NULL, or a static error message. Installing twice does nothing. */
const char *signal_handler_install(void);
int signal_handler_installed(void);

#endif
