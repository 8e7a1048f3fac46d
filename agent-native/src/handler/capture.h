/* Writing a crash bundle from inside the signal handler. What can be prepared (buffers for the memory
 * map, the pre-rendered header, the bundle folder) is prepared by capture_prepare at install time.
 * capture_write calls no malloc, no lock, no stdio; it does make two calls outside POSIX's async-signal-
 * safe list, each on purpose: mmap (memory sized by the thread count, known only at the crash; a plain
 * system call on Linux) and HotSpot's AsyncGetCallTrace (made for signal handlers, guarded against
 * faults). The full list is test/handler_imports.allow. */
#ifndef CRASHCAP_CAPTURE_H
#define CRASHCAP_CAPTURE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* Install time (arming/capture_prepare.c; not signal-safe: dlsym). Returns NULL, or a static error
 * message. */
const char *capture_prepare(const char *bundle_folder, const char *header, size_t header_len,
                            int64_t process_start_epoch_ms);

/* In the signal handler, on the one thread that owns the capture: writes a bundle for this crash.
 * deadline_ns is a CLOCK_MONOTONIC time after which the capture stops where it is. */
void capture_write(int sig, siginfo_t *info, void *ucontext, int64_t deadline_ns);

/* A live snapshot of every thread into a new bundle "snapshot-…" in folder, from an ordinary thread (the
 * agent's, on request): the same collection as at a crash, the process goes on. The caller holds the
 * capture (signal_handler_snapshot). Returns NULL and the bundle's path, or an error message. */
const char *capture_snapshot(const char *folder, char *path, size_t path_size);

/* In the signal handler of a thread that crashes while another one captures: records its own crash
 * site and stack for the bundle (waits for the memory map, until deadline_ns at most). */
void capture_record_also_crashed(int sig, siginfo_t *info, void *ucontext, int64_t deadline_ns);

/* In the signal handler, first thing: when a fault happens inside capture_write on this thread, jumps
 * back into capture_write (which records the fault and goes on with the next section).
 * Returns only when that is not the case. */
void capture_recover_from_nested_fault(int sig);

#endif
