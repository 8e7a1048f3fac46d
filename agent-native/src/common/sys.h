/* The one door from handler-reachable code (handler/, unwind/, common/) to libc and the kernel. Every
 * function here is async-signal-safe: each is a single system call through libc's thin wrapper (on
 * POSIX's list of async-signal-safe functions unless its line says otherwise), with no lock, no
 * allocation and no state of libc's own. Handler code calls sys_* and never includes <unistd.h>,
 * <fcntl.h>, <sys/mman.h>, <time.h>, <poll.h> or <dlfcn.h> itself, so its safety is visible by name
 * (the idea of Breakpad's linux_libc_support.h). The ctest handler_imports checks what the handler
 * objects import against test/handler_imports.allow. */
#ifndef CRASHCAP_SYS_H
#define CRASHCAP_SYS_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h> /* memcpy, memset, memcmp: pure functions the compiler emits on its own too */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static inline int sys_open(const char *path, int flags, mode_t mode) {
    return open(path, flags, mode);
}

static inline ssize_t sys_read(int fd, void *buffer, size_t size) {
    return read(fd, buffer, size);
}

static inline ssize_t sys_write(int fd, const void *bytes, size_t len) {
    return write(fd, bytes, len);
}

static inline int sys_close(int fd) {
    return close(fd);
}

/* fstat: on POSIX's list (the descriptor reserve checks a descriptor is still its own before closing it). */
static inline int sys_fstat(int fd, struct stat *out) {
    return fstat(fd, out);
}

/* An anonymous file (memfd_create: not on POSIX's list, but a plain system call with no libc state): the
 * descriptor reserve holds these, each with an inode of its own that no other file shares. */
static inline int sys_memfd_create(const char *name, unsigned int flags) {
    return (int)syscall(SYS_memfd_create, name, flags);
}

/* The soft limit on open descriptors, RLIMIT_NOFILE (prlimit64 on ourselves, reading only: a plain system
 * call; getrlimit is not on POSIX's list). -1 when it cannot be read. */
static inline long long sys_descriptor_limit(void) {
    struct { uint64_t soft, hard; } limit;
    if (syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &limit) != 0) return -1;
    return limit.soft > (uint64_t)INT64_MAX ? INT64_MAX : (long long)limit.soft;
}

static inline int sys_fsync(int fd) {
    return fsync(fd);
}

static inline int sys_mkdir(const char *path, mode_t mode) {
    return mkdir(path, mode);
}

static inline int sys_poll(struct pollfd *fds, nfds_t count, int timeout_ms) {
    return poll(fds, count, timeout_ms);
}

/* Not on POSIX's list (Linux-specific), but a plain system call; opendir/readdir would allocate. */
static inline long sys_getdents64(int fd, void *buffer, size_t size) {
    return syscall(SYS_getdents64, fd, buffer, size);
}

static inline pid_t sys_getpid(void) {
    return getpid();
}

/* The calling thread's kernel id (gettid: a plain system call). */
static inline int current_tid(void) {
    return (int)syscall(SYS_gettid);
}

/* Signal to one thread of this process (tgkill: a plain system call; raise() would be the libc way). */
static inline int sys_tgkill(int tid, int sig) {
    return (int)syscall(SYS_tgkill, getpid(), tid, sig);
}

/* uname: on POSIX's list; made as the system call itself, like gettid. */
static inline int sys_uname(struct utsname *out) {
    return (int)syscall(SYS_uname, out);
}

/* The CPUs this thread may run on (sched_getaffinity: a plain system call). Returns the bytes of mask the
 * kernel wrote, or -1. */
static inline long sys_sched_getaffinity(void *mask, size_t size) {
    return syscall(SYS_sched_getaffinity, 0, size, mask);
}

static inline int sys_sigaction(int sig, const struct sigaction *action, struct sigaction *old) {
    return sigaction(sig, action, old);
}

/* Blocks sig for the calling thread (rt_sigprocmask on the kernel's own 64-bit set: a plain system call;
 * sigemptyset/sigaddset would be more imports for two bit operations). */
static inline int sys_block_signal(int sig) {
    uint64_t set = 1ull << (sig - 1);
    return (int)syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, sizeof set);
}

/* Unblocks the signals of set (bit n-1 for signal n) for the calling thread (same system call). */
static inline int sys_unblock_signals(uint64_t set) {
    return (int)syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, NULL, sizeof set);
}

static inline int sys_sigaltstack(const stack_t *stack, stack_t *old) {
    return sigaltstack(stack, old);
}

/* Not on POSIX's list: on Linux mmap, munmap and mprotect are plain system calls with no lock in user
 * space. Used for memory whose size is known only at a crash (one slot per thread). */
static inline void *sys_mmap_anonymous(size_t bytes, int extra_flags) {
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | extra_flags, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static inline int sys_munmap(void *address, size_t bytes) {
    return munmap(address, bytes);
}

static inline int sys_mprotect(void *address, size_t bytes, int protection) {
    return mprotect(address, bytes, protection);
}

/* Whether the kernel can write 8 bytes at address, asked without touching them from user space:
 * rt_sigprocmask(SIG_BLOCK, NULL, old) changes no mask and only writes the current one to old, or fails
 * with EFAULT where the kernel cannot write (a plain system call). */
static inline int sys_kernel_can_write(void *address) {
    return syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, address, 8) == 0;
}

/* Copies size bytes at address of this process into out, or fails (EFAULT) where nothing is mapped, without a
 * fault: process_vm_readv on our own pid. Not on POSIX's list, but a plain system call (the kernel copies). */
static inline int sys_read_own_memory(void *out, uintptr_t address, size_t size) {
    struct { void *base; size_t len; } local = { out, size }, remote = { (void *)address, size };
    return syscall(SYS_process_vm_readv, getpid(), &local, 1UL, &remote, 1UL, 0UL) == (long)size;
}

static inline int sys_clock_gettime(clockid_t clock, struct timespec *out) {
    return clock_gettime(clock, out);
}

static inline int sys_nanosleep(const struct timespec *pause) {
    return nanosleep(pause, NULL);
}

/* Not on POSIX's list (Linux-specific), but a plain system call: waits while *word == expected, until
 * woken or timeout (relative) passes; private to this process. */
static inline long sys_futex_wait(atomic_int *word, int expected, const struct timespec *timeout) {
    return syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, timeout, NULL, 0);
}

static inline long sys_futex_wake_all(atomic_int *word) {
    return syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

#endif
