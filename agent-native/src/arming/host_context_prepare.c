#include <gnu/libc-version.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host_context.h"
#include "proc.h"

/* The files that say a cgroup's limits and usage: cgroup v2 (unified) and v1 (one hierarchy per
 * controller, mounted by convention at /sys/fs/cgroup/<controller>). */
static const char *const V2_FILES[] = {
    "memory.max", "memory.high", "memory.current", "memory.swap.max", "cpu.max", "cpu.weight",
    "cpuset.cpus.effective", "pids.max",
};
static const char *const V1_MEMORY_FILES[] = {
    "memory.limit_in_bytes", "memory.usage_in_bytes", "memory.memsw.limit_in_bytes", "memory.soft_limit_in_bytes",
};
static const char *const V1_CPU_FILES[] = { "cpu.cfs_quota_us", "cpu.cfs_period_us", "cpu.shares" };
static const char *const V1_CPUSET_FILES[] = { "cpuset.cpus" };

static void add(const char *path) {
    if (host_context.cgroup_count < HOST_CGROUP_FILES_MAX && access(path, R_OK) == 0 && strlen(path) < HOST_PATH_MAX) {
        strcpy(host_context.cgroup_files[host_context.cgroup_count++], path);
    }
}

/* The process's own cgroup folder under the mount (a host, or a container with its own cgroup namespace),
 * else the mount's top (a container without one: the mount's root is the process's cgroup already). */
static void add_files(const char *mount, const char *cgroup_path, const char *const *files, size_t count) {
    char path[HOST_PATH_MAX];
    for (size_t i = 0; i < count; i++) {
        snprintf(path, sizeof path, "%s%s/%s", mount, strcmp(cgroup_path, "/") == 0 ? "" : cgroup_path, files[i]);
        if (access(path, R_OK) != 0) snprintf(path, sizeof path, "%s/%s", mount, files[i]);
        add(path);
    }
}

/* "controllers" is the second field of a /proc/self/cgroup line: comma-separated names. */
static int names(const char *controllers, const char *wanted) {
    size_t len = strlen(wanted);
    for (const char *at = controllers; (at = strstr(at, wanted)) != NULL; at += len) {
        if ((at == controllers || at[-1] == ',') && (at[len] == ',' || at[len] == '\0')) return 1;
    }
    return 0;
}

void host_context_prepare(void) {
    host_context.libc_version = gnu_get_libc_version();
    host_context.cgroup_count = 0;
    char text[4096];
    if (proc_read_file("/proc/self/cgroup", text, sizeof text) <= 0) return;
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        char *controllers = strchr(line, ':');
        char *path = controllers == NULL ? NULL : strchr(controllers + 1, ':');
        if (path == NULL) continue;
        *controllers++ = '\0';
        *path++ = '\0';
        if (strcmp(line, "0") == 0 && *controllers == '\0') {
            /* v2; on a hybrid host /sys/fs/cgroup is v1's tmpfs and holds no cgroup.controllers */
            if (access("/sys/fs/cgroup/cgroup.controllers", R_OK) == 0) {
                add_files("/sys/fs/cgroup", path, V2_FILES, sizeof V2_FILES / sizeof V2_FILES[0]);
            }
        } else if (names(controllers, "memory")) {
            add_files("/sys/fs/cgroup/memory", path, V1_MEMORY_FILES, sizeof V1_MEMORY_FILES / sizeof V1_MEMORY_FILES[0]);
        } else if (names(controllers, "cpu")) {
            add_files("/sys/fs/cgroup/cpu", path, V1_CPU_FILES, sizeof V1_CPU_FILES / sizeof V1_CPU_FILES[0]);
        } else if (names(controllers, "cpuset")) {
            add_files("/sys/fs/cgroup/cpuset", path, V1_CPUSET_FILES, sizeof V1_CPUSET_FILES / sizeof V1_CPUSET_FILES[0]);
        }
    }
}
