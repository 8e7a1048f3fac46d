/* A few descriptors held back from the process for the capture. A JVM that leaked files up to its limit
 * (RLIMIT_NOFILE, `ulimit -n`) and then crashes would leave an empty bundle folder: mkdir needs no descriptor,
 * but capture.txt, /proc/self/maps and the rest do. The reserve is given back just for the capture and taken
 * again after it, so the JVM's own report finds the process as it was without crashcap. */
#ifndef CRASHCAP_FD_RESERVE_H
#define CRASHCAP_FD_RESERVE_H

/* Takes the reserve (again). Signal-safe; arming calls it first, the capture after giving it back. */
void fd_reserve_take(void);

/* At a capture's start: if the process has no descriptor free (open fails with EMFILE or ENFILE), closes the
 * reserve so the capture can open its files, and returns 1 (EMFILE: this process's limit) or 2 (ENFILE: the
 * system's); else leaves it and returns 0. Signal-safe. */
int fd_reserve_release_if_exhausted(void);

/* After the capture closed its files: takes the reserve again if it was released. Signal-safe. */
void fd_reserve_restore(void);

#endif
