/* The bundle folder under -agentpath: created when the agent arms (0700, and so is every missing parent), and
 * refused when other users may write to it, exactly as dev.crashcap.agent.PrivateFolder does for -javaagent. */
#ifndef CRASHCAP_PRIVATE_FOLDER_H
#define CRASHCAP_PRIVATE_FOLDER_H

#include <stddef.h>

/* `folder` relative to `cwd`, made absolute and normalised (no ".", ".." or doubled slashes), as Java's
 * Path.resolve(...).normalize() gives it. Returns 0, or -1 if it does not fit. */
int private_folder_resolve(const char *cwd, const char *folder, char *out, size_t size);

/* Creates the folder if need be; returns NULL, or a one-line reason written into why. */
const char *private_folder_prepare(const char *absolute, char *why, size_t why_size);

#endif
