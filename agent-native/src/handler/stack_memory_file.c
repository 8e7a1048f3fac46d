#include "stack_memory_file.h"

#include <limits.h>

#include "bundle_writer.h"
#include "sys.h"

/* Layout (little-endian, the machine's own order on x86_64 and aarch64; docs/capture-format.md):
 *   "CCSTACKS", u32 version (1), u32 ELF machine (62: x86_64)
 *   per thread: u32 tid, u32 flags (1: the crashing thread, 2: registers saved), u32 register words,
 *               u32 fp bytes, u64 stack start, u64 stack length, then the words, the fp bytes, the stack bytes
 *   then the process's own /proc files, as the minidump's Linux streams want them: u32 0x434F5250 ("PROC"),
 *               u32 which (1: /proc/self/maps, 2: /proc/self/status, 3: /proc/self/auxv,
 *               4: /sys/devices/system/cpu/present, 5: /proc/sys/kernel/version), then chunks of
 *               u32 length and that many bytes, ended by a chunk of length 0
 *   "CCSTKEND": the file is complete. */
#define FLAG_CRASHING 1u
#define FLAG_REGISTERS 2u

static bundle_writer writer; /* only the capture owner writes, one capture at a time */
static int64_t file_bytes;

static void put(const void *bytes, size_t len) {
    bw_bytes(&writer, bytes, len);
    file_bytes += (int64_t)len;
}

static void put_u32(uint32_t value) {
    put(&value, sizeof value);
}

static void put_u64(uint64_t value) {
    put(&value, sizeof value);
}

/* Stack bytes go straight to the file (one write(2) for tens of KiB), not through the 8 KiB buffer. */
static void put_large(const char *bytes, size_t len) {
    if (bw_flush(&writer) != 0) return;
    file_bytes += (int64_t)len;
    while (len > 0) {
        ssize_t n = sys_write(writer.fd, bytes, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            writer.failed = 1; /* as bw_flush: nothing more is written, the file lacks its end mark */
            return;
        }
        bytes += n;
        len -= (size_t)n;
    }
}

static void put_thread(int tid, uint32_t flags, const stack_memory *memory) {
    int saved = memory->saved;
    put_u32((uint32_t)tid);
    put_u32(flags | (saved ? FLAG_REGISTERS : 0));
    put_u32(saved ? ARCH_CONTEXT_WORDS : 0);
    put_u32(saved ? memory->fp_bytes : 0);
    put_u64(memory->length > 0 ? memory->start : 0);
    put_u64(memory->length);
    if (saved) {
        put(memory->regs, ARCH_CONTEXT_WORDS * sizeof(uint64_t));
        put(memory->fp, memory->fp_bytes);
    }
    if (memory->length > 0) put_large((const char *)memory->bytes, memory->length);
}

#define PROC_RECORD 0x434F5250u

/* Copies a /proc file as it reads now, chunk by chunk through the writer's buffer (maps of a process with
 * thousands of threads is hundreds of KiB: no room is reserved for it). */
static void put_proc_file(uint32_t which, const char *path) {
    int fd = sys_open(path, O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) return;
    put_u32(PROC_RECORD);
    put_u32(which);
    char chunk[4096];
    for (;;) {
        ssize_t n = sys_read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        put_u32((uint32_t)n);
        put(chunk, (size_t)n);
    }
    put_u32(0);
    sys_close(fd);
}

int64_t stack_memory_file_write(const char *bundle_dir, int crashing_tid, const stack_memory *crashing,
                                const thread_stack_set *threads, int *thread_count) {
    char path[PATH_MAX];
    size_t n = copy_text(path, sizeof path, bundle_dir);
    copy_text(path + n, sizeof path - n, "/" STACK_MEMORY_FILE);
    int fd = sys_open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    bw_init(&writer, fd);
    file_bytes = 0;
    *thread_count = 0;
    put("CCSTACKS", 8);
    put_u32(1);
    put_u32(ARCH_ELF_MACHINE);
    if (crashing != NULL) {
        put_thread(crashing_tid, FLAG_CRASHING, crashing);
        ++*thread_count;
    }
    for (int i = 0; i < threads->count; i++) {
        const thread_stack *stack = &threads->items[i];
        if (stack->tid == crashing_tid || atomic_load(&stack->state) != STACK_DONE || !stack->memory.saved) continue;
        put_thread(stack->tid, 0, &stack->memory);
        ++*thread_count;
    }
    put_proc_file(1, "/proc/self/maps");
    put_proc_file(2, "/proc/self/status");
    put_proc_file(3, "/proc/self/auxv");
    put_proc_file(4, "/sys/devices/system/cpu/present");
    put_proc_file(5, "/proc/sys/kernel/version");
    put("CCSTKEND", 8);
    int result = bw_flush(&writer);
    /* Not fsynced, unlike capture.txt: the bytes are in the page cache, which the process's end does not lose;
     * only a power cut in the next seconds would, and then capture.txt (fsynced) still holds the crash, and a
     * stacks.bin cut short is read up to its last whole thread. The fsync of 7.7 MiB (1,000 threads) took 24 ms
     * of the 41 ms that writing the file cost (bench/ThreadsBench.java). The folder entry is made durable by the
     * capture's end (end_bundle syncs the folder). */
    sys_close(fd);
    return result == 0 ? file_bytes : -1;
}
