/* Every new native thread gets its alternate signal stack before its start routine runs, so that a
 * thread overflowing its stack right after it starts is still reported (the sweep of /proc/self/task
 * comes up to 250 ms later). crashcap points the GOT slots of pthread_create of every loaded module
 * (but libc, libpthread, the dynamic linker and crashcap itself) at a hook that starts the thread in a
 * trampoline: it installs the alternate stack (never replacing one the thread already has), runs the
 * real start routine, and frees the stack when the thread ends, however it ends (return, pthread_exit,
 * cancellation). Modules loaded later are hooked when libjvm's dlopen hook sees them load
 * (System.load/loadLibrary), or else by the next sweep. Arming time and normal thread context only:
 * nothing here runs in a signal handler. */
#ifndef CRASHCAP_THREAD_START_HOOK_H
#define CRASHCAP_THREAD_START_HOOK_H

#include "memory_map.h"

/* Hooks every module loaded so far; map: the process's mappings, read by the caller, for the protections of the
 * GOT pages it writes. */
void thread_start_hook_arm(const memory_map *map);

/* Hooks the modules loaded since the last call (cheap when none was: one dl_iterate_phdr step).
 * Called after each load libjvm makes and by every sweep. */
void thread_start_hook_scan(void);

#endif
