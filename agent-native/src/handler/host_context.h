/* The machine as the crash found it, for the report's context: uname, the glibc version, the CPUs this
 * process may use, and small files copied raw for the reader to parse (/proc/meminfo, the first CPU's block
 * of /proc/cpuinfo, the cgroup (container) limits and usage, container hints such as /.dockerenv). Copying,
 * not parsing, keeps the handler simple: open, read, close on files of a few KiB at most, each bounded.
 * Which cgroup files exist is found at arming (arming/host_context_prepare.c), so the handler does not
 * search. */
#ifndef CRASHCAP_HOST_CONTEXT_H
#define CRASHCAP_HOST_CONTEXT_H

#include "bundle_writer.h"

#define HOST_CGROUP_FILES_MAX 24
#define HOST_PATH_MAX 512

typedef struct {
    const char *libc_version;     /* gnu_get_libc_version(): a static string of libc's, NULL if unknown */
    int cgroup_count;
    char cgroup_files[HOST_CGROUP_FILES_MAX][HOST_PATH_MAX]; /* absolute paths that existed at arming */
} host_context_layout;

/* Filled at arming time (host_context_prepare), read-only afterwards. */
extern host_context_layout host_context;

/* Arming time: the libc version and the cgroup files of this process (reads /proc/self/cgroup). */
void host_context_prepare(void);

/* In the handler: the "host" section. */
void host_context_write(bundle_writer *w);

#endif
