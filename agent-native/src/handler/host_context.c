#include "host_context.h"

#include "sys.h"

host_context_layout host_context; /* filled at arming */

/* One file's copy at most: /proc/meminfo is about 1.5 KiB, the first block of /proc/cpuinfo under 2 KiB on
 * today's x86 machines (the flags line is the long one). */
#define FILE_MAX 6144

static char content[FILE_MAX]; /* only the capture owner writes the host section */

/* Up to FILE_MAX-1 bytes of the file; -1 when it cannot be opened. A read cut short is fine: the reader
 * drops a last line without its newline. */
static ssize_t read_start(const char *path) {
    int fd = sys_open(path, O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) return -1;
    ssize_t total = 0;
    while (total < FILE_MAX - 1) {
        ssize_t n = sys_read(fd, content + total, (size_t)(FILE_MAX - 1 - total));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        total += n;
    }
    sys_close(fd);
    content[total] = '\0';
    return total;
}

static void write_file_record(bundle_writer *w, const char *path, const char *text, size_t len) {
    bw_text(w, "file\t");
    bw_value(w, path);
    bw_text(w, "\t");
    bw_value_bytes(w, text, len);
    bw_text(w, "\n");
}

static void copy_file(bundle_writer *w, const char *path) {
    ssize_t n = read_start(path);
    if (n >= 0) write_file_record(w, path, content, (size_t)n);
}

/* /proc/cpuinfo: only the first processor's block (up to the first empty line): the model and flags are the
 * same for the others, and the count comes from elsewhere. Reading stops early too: the kernel renders the
 * file per CPU as it is read, which can be slow with hundreds of CPUs. */
static void copy_first_cpu(bundle_writer *w) {
    ssize_t n = read_start("/proc/cpuinfo");
    if (n < 0) return;
    size_t len = (size_t)n;
    for (size_t i = 1; i < (size_t)n; i++) {
        if (content[i] == '\n' && content[i - 1] == '\n') {
            len = i;
            break;
        }
    }
    write_file_record(w, "/proc/cpuinfo", content, len);
}

/* /proc/self/mountinfo: only the lines of the root mount point, whose file system hints at a container
 * (overlay for Docker and Podman). Field 5 is the mount point. */
static void copy_root_mounts(bundle_writer *w) {
    ssize_t n = read_start("/proc/self/mountinfo");
    if (n < 0) return;
    const char *line = content;
    const char *end = content + n;
    while (line < end) {
        const char *next = line;
        while (next < end && *next != '\n') next++;
        const char *field = line;
        for (int skipped = 0; skipped < 4 && field < next; field++) {
            if (*field == ' ') skipped++;
        }
        if (field + 2 <= next && field[0] == '/' && field[1] == ' ') {
            write_file_record(w, "/proc/self/mountinfo", line, (size_t)(next - line) + (next < end ? 1 : 0));
        }
        line = next + 1;
    }
}

static void write_cpus(bundle_writer *w) {
    uint64_t mask[64] = { 0 }; /* 4,096 CPUs */
    long bytes = sys_sched_getaffinity(mask, sizeof mask);
    if (bytes <= 0) return;
    int count = 0;
    for (long i = 0; i < bytes / 8; i++) {
        for (uint64_t bits = mask[i]; bits != 0; bits &= bits - 1) count++; /* no libgcc popcount helper */
    }
    bw_field_dec(w, "cpu.affinity", count);
}

static void write_uname(bundle_writer *w) {
    struct utsname names;
    if (sys_uname(&names) != 0) return;
    bw_field_text(w, "uname.sysname", names.sysname);
    bw_field_text(w, "uname.release", names.release);
    bw_field_text(w, "uname.version", names.version);
    bw_field_text(w, "uname.machine", names.machine);
    bw_field_text(w, "uname.nodename", names.nodename);
}

void host_context_write(bundle_writer *w) {
    bw_section(w, "host");
    write_uname(w);
    if (host_context.libc_version != NULL) bw_field_text(w, "libc.version", host_context.libc_version);
    write_cpus(w);
    bw_flush(w);
    copy_file(w, "/proc/meminfo");
    copy_first_cpu(w);
    copy_file(w, "/sys/devices/system/cpu/online");
    copy_file(w, "/proc/loadavg");
    bw_flush(w);
    copy_file(w, "/proc/self/cgroup");
    for (int i = 0; i < host_context.cgroup_count; i++) copy_file(w, host_context.cgroup_files[i]);
    bw_flush(w);
    copy_file(w, "/.dockerenv");
    copy_file(w, "/run/.containerenv");
    copy_file(w, "/proc/1/cgroup");
    copy_root_mounts(w);
    bw_flush(w);
}
