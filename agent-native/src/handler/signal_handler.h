/* The fatal-signal hook: chains to HotSpot for everything the JVM handles itself, captures a bundle
 * for a real crash, then hands the signal back to the JVM (hs_err) or to the default action. */
#ifndef CRASHCAP_SIGNAL_HANDLER_H
#define CRASHCAP_SIGNAL_HANDLER_H

#include <stddef.h>

/* Install time. Returns NULL, or a static error message. Installing twice does nothing. */
const char *signal_handler_install(void);
int signal_handler_installed(void);

/* A live snapshot bundle (capture_snapshot), taken only when no crash capture runs: a crash during
 * it waits for it to end. Returns NULL and the path, or an error message. */
const char *signal_handler_snapshot(const char *folder, char *path, size_t path_size);

#endif
