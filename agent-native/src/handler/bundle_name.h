/* The name of a bundle folder: "crash-20261123T104924Z-4242" (prefix, UTC time, pid), sortable by
 * time, unique per process. Async-signal-safe (no localtime, no snprintf). */
#ifndef CRASHCAP_BUNDLE_NAME_H
#define CRASHCAP_BUNDLE_NAME_H

#include <stddef.h>
#include <stdint.h>

/* Writes prefix + the UTC time of now_ms + "-" + pid into out (NUL-terminated, cut to fit). Returns
 * the length. */
size_t bundle_name(char *out, size_t size, const char *prefix, int64_t now_ms, int pid);

#endif
