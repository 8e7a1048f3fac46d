#include "proc.h"

#include <dirent.h>

#include "sys.h"

ssize_t proc_read_file(const char *path, char *out, size_t size) {
    int fd = sys_open(path, O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) return -1;
    ssize_t n = sys_read(fd, out, size - 1);
    sys_close(fd);
    if (n < 0) return -1;
    out[n] = '\0';
    return n;
}

static void sort_tids(int *tids, int count) {
    /* Shell sort: no recursion, no allocation, fast enough for tens of thousands. */
    for (int gap = count / 2; gap > 0; gap /= 2) {
        for (int i = gap; i < count; i++) {
            int value = tids[i], j = i;
            for (; j >= gap && tids[j - gap] > value; j -= gap) tids[j] = tids[j - gap];
            tids[j] = value;
        }
    }
}

/* Read with getdents64: opendir/readdir allocate. */
int proc_task_list(int *tids, int max) {
    int fd = sys_open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    if (fd < 0) return -1;
    char buffer[8192];
    int count = 0;
    for (;;) {
        long n = sys_getdents64(fd, buffer, sizeof buffer);
        if (n <= 0) break;
        for (long offset = 0; offset < n;) {
            struct dirent64 *entry = (struct dirent64 *)(buffer + offset);
            offset += entry->d_reclen;
            int tid = 0;
            const char *name = entry->d_name;
            if (name[0] < '0' || name[0] > '9') continue;
            for (; *name >= '0' && *name <= '9'; name++) tid = tid * 10 + (*name - '0');
            if (count < max) tids[count++] = tid;
        }
    }
    sys_close(fd);
    sort_tids(tids, count);
    return count;
}

const char *proc_stat_field(const char *stat, int index) {
    const char *close_paren = NULL;
    for (const char *p = stat; *p != '\0'; p++) {
        if (*p == ')') close_paren = p;
    }
    if (close_paren == NULL || index < 3) return NULL;
    /* ") S ...": field 3 starts two characters after the ')', each later one after a space. */
    const char *field = close_paren + 1;
    for (int i = 2; i < index; i++) {
        while (*field != '\0' && *field != ' ') field++;
        if (*field == '\0') return NULL;
        field++;
    }
    return *field != '\0' ? field : NULL;
}
