/* Reading /proc without libc's allocating calls (opendir, fopen): the thread list of this process and
 * the fields of a stat file. Async-signal-safe, so the capture, the sweep and the arming code share
 * one copy. */
#ifndef CRASHCAP_PROC_H
#define CRASHCAP_PROC_H

#include <stddef.h>
#include <sys/types.h>

/* Reads a small file (/proc/...) into out, NUL-terminated. Returns the length, or -1. */
ssize_t proc_read_file(const char *path, char *out, size_t size);

/* The tids of /proc/self/task, sorted ascending, at most max of them. Returns how many, or -1. */
int proc_task_list(int *tids, int max);

/* Field `index` (1-based, as proc(5) counts: 1 pid, 2 comm, 3 state, 22 starttime) of a stat file's
 * text, or NULL when it has fewer. The comm may hold spaces and ')', so fields are counted after its
 * last ')'. */
const char *proc_stat_field(const char *stat, int index);

#endif
