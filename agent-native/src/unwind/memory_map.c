/* Reads /proc/self/maps into caller-provided storage, for use inside a signal handler: only open, read
 * and close are called, nothing is allocated, and every loop is bounded by the input or the storage. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE  /* O_CLOEXEC */
#endif
#include "memory_map.h"

#include "sys.h"

/* /proc/self/maps is finite, but a process that maps and unmaps furiously while we read could keep it
 * changing; this caps the number of read() calls so that the loop ends regardless. */
#define MAX_READ_CALLS (1u << 20)
#define MAX_EINTR_RETRIES 100

static int is_hex_digit(char c, unsigned *value) {
    if (c >= '0' && c <= '9') {
        *value = (unsigned)(c - '0');
        return 1;
    }
    if (c >= 'a' && c <= 'f') {
        *value = (unsigned)(c - 'a' + 10);
        return 1;
    }
    if (c >= 'A' && c <= 'F') {
        *value = (unsigned)(c - 'A' + 10);
        return 1;
    }
    return 0;
}

/* Parses at least one hex digit at *pos; 0 on failure (no digits, or more than 64 bits). */
static int parse_hex(const char **pos, const char *end, uint64_t *out) {
    const char *p = *pos;
    uint64_t value = 0;
    unsigned digit;
    int digits = 0;
    while (p < end && is_hex_digit(*p, &digit)) {
        if (++digits > 16)
            return 0;
        value = (value << 4) | digit;
        p++;
    }
    if (digits == 0)
        return 0;
    *pos = p;
    *out = value;
    return 1;
}

static int parse_decimal(const char **pos, const char *end, uint64_t *out) {
    const char *p = *pos;
    uint64_t value = 0;
    int digits = 0;
    while (p < end && *p >= '0' && *p <= '9') {
        if (++digits > 20)
            return 0;
        value = value * 10 + (uint64_t)(*p - '0');
        p++;
    }
    if (digits == 0)
        return 0;
    *pos = p;
    *out = value;
    return 1;
}

static int expect_char(const char **pos, const char *end, char c) {
    if (*pos >= end || **pos != c)
        return 0;
    (*pos)++;
    return 1;
}

static void skip_spaces(const char **pos, const char *end) {
    while (*pos < end && **pos == ' ')
        (*pos)++;
}

static int parse_perms(const char **pos, const char *end, unsigned *perms) {
    const char *p = *pos;
    if (end - p < 4)
        return 0;
    *perms = (p[0] == 'r' ? MAP_PERM_R : 0) | (p[1] == 'w' ? MAP_PERM_W : 0) |
             (p[2] == 'x' ? MAP_PERM_X : 0);
    *pos = p + 4;          /* the fourth character is 'p' (private) or 's' (shared) */
    return 1;
}

static int same_text(const char *a, size_t a_len, const char *b_nul_terminated) {
    size_t i;
    for (i = 0; i < a_len; i++) {
        if (b_nul_terminated[i] != a[i])
            return 0;
    }
    return b_nul_terminated[a_len] == '\0';
}

static int starts_with(const char *text, size_t len, const char *prefix) {
    size_t i;
    for (i = 0; prefix[i] != '\0'; i++) {
        if (i >= len || text[i] != prefix[i])
            return 0;
    }
    return 1;
}

/* Pages that say 'r' but must not be touched: [vvar] holds pages (HPET, pvclock, time namespace) that
 * fault when the clock source does not provide them, and device files can have side effects on read or
 * raise SIGBUS. The unwinder never needs either. /dev/zero is how shared anonymous memory appears. */
static uint8_t path_is_read_hazard(const char *path, size_t len) {
    if (starts_with(path, len, "[vvar"))
        return 1;
    if (starts_with(path, len, "/dev/") && !starts_with(path, len, "/dev/zero"))
        return 1;
    return 0;
}

/* Stores the path in the pool, sharing the previous entry's copy when it is the same file (a library's
 * four or five mappings then cost one string). Returns its offset, or 0 when the pool is full. */
static uint32_t store_path(memory_map *m, const char *path, size_t len) {
    if (len == 0)
        return 0;
    if (m->count > 0) {
        uint32_t previous = m->entries[m->count - 1].path;
        if (previous != 0 && same_text(path, len, m->paths + previous))
            return previous;
    }
    if (m->paths_used + len + 1 > m->paths_capacity || m->paths_used > UINT32_MAX) {
        m->truncated = 1;
        return 0;
    }
    uint32_t offset = (uint32_t)m->paths_used;
    size_t i;
    for (i = 0; i < len; i++)
        m->paths[offset + i] = path[i];
    m->paths[offset + len] = '\0';
    m->paths_used += len + 1;
    return offset;
}

/* The kernel appends " (deleted)" to the path of a file that was unlinked (or replaced by another) while it
 * was mapped. That is no part of the file's path: the entry keeps the path without it and says `deleted`.
 * A file whose real name ends in " (deleted)" reads the same and is taken for a deleted one; telling the two
 * apart would take a stat() of a path, which can block on a hung network file system, inside a signal
 * handler. */
#define DELETED_SUFFIX " (deleted)"
#define DELETED_SUFFIX_LEN (sizeof DELETED_SUFFIX - 1)

static int has_deleted_suffix(const char *path, size_t len) {
    if (len <= DELETED_SUFFIX_LEN || path[0] != '/')
        return 0;
    return same_text(path + len - DELETED_SUFFIX_LEN, DELETED_SUFFIX_LEN, DELETED_SUFFIX);
}

/* One line: "start-end perms offset major:minor inode    path". The path is everything after the
 * spaces that follow the inode, spaces included, less a " (deleted)" suffix. Malformed lines are skipped. */
static void parse_line(memory_map *m, const char *line, size_t len) {
    const char *p = line;
    const char *end = line + len;
    uint64_t start, stop, offset, inode;
    unsigned perms;

    if (m->count >= m->capacity) {
        m->truncated = 1;
        return;
    }
    if (!parse_hex(&p, end, &start) || !expect_char(&p, end, '-') || !parse_hex(&p, end, &stop) ||
        !expect_char(&p, end, ' ') || !parse_perms(&p, end, &perms) || !expect_char(&p, end, ' ') ||
        !parse_hex(&p, end, &offset) || !expect_char(&p, end, ' '))
        return;
    while (p < end && *p != ' ')  /* device, "fd:01" */
        p++;
    if (!expect_char(&p, end, ' ') || !parse_decimal(&p, end, &inode))
        return;
    skip_spaces(&p, end);
    if (start >= stop || start > UINTPTR_MAX || stop > UINTPTR_MAX)
        return;
    /* The file can change between two read() calls; keep the list sorted and disjoint so that the
     * binary search stays valid, at the price of dropping an entry that moved. */
    if (m->count > 0 && start < m->entries[m->count - 1].end)
        return;

    size_t path_len = (size_t)(end - p);
    map_entry *e = &m->entries[m->count];
    e->start = (uintptr_t)start;
    e->end = (uintptr_t)stop;
    e->offset = offset;
    e->inode = inode;
    e->perms = perms;
    e->deleted = (uint8_t)has_deleted_suffix(p, path_len);
    if (e->deleted)
        path_len -= DELETED_SUFFIX_LEN;
    e->read_hazard = path_is_read_hazard(p, path_len);
    e->path = store_path(m, p, path_len);
    m->count++;
}

static void move_down(char *buffer, size_t from, size_t len) {
    size_t i;
    for (i = 0; i < len; i++)
        buffer[i] = buffer[from + i];
}

/* Parses the complete lines in buffer[0, filled) and returns how many bytes were consumed.
 * *skipping is set while the rest of an over-long line is being discarded. */
static size_t parse_complete_lines(memory_map *m, const char *buffer, size_t filled, int *skipping) {
    size_t line_start = 0;
    size_t i;
    for (i = 0; i < filled; i++) {
        if (buffer[i] != '\n')
            continue;
        if (*skipping)
            *skipping = 0;
        else
            parse_line(m, buffer + line_start, i - line_start);
        line_start = i + 1;
    }
    return line_start;
}

int memory_map_read(memory_map *m, char *scratch, size_t scratch_size) {
    if (m == NULL || m->entries == NULL || m->paths == NULL || m->paths_capacity < 1 || scratch == NULL ||
        scratch_size < 128)
        return -1;
    m->count = 0;
    m->truncated = 0;
    m->paths[0] = '\0';
    m->paths_used = 1;

    int saved_errno = errno;  /* the interrupted code may be looking at errno */
    int fd = sys_open("/proc/self/maps", O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) {
        errno = saved_errno;
        return -1;
    }

    int result = 0;
    size_t filled = 0;
    int skipping = 0;
    unsigned calls = 0;
    unsigned interruptions = 0;
    while (calls++ < MAX_READ_CALLS && m->count < m->capacity) {
        ssize_t got = sys_read(fd, scratch + filled, scratch_size - filled);
        if (got < 0) {
            if (errno == EINTR && interruptions++ < MAX_EINTR_RETRIES)
                continue;
            result = -1;
            break;
        }
        if (got == 0) {
            if (filled > 0 && !skipping)  /* a last line without a newline */
                parse_line(m, scratch, filled);
            break;
        }
        filled += (size_t)got;
        size_t consumed = parse_complete_lines(m, scratch, filled, &skipping);
        move_down(scratch, consumed, filled - consumed);
        filled -= consumed;
        if (filled == scratch_size) {
            /* A line longer than the buffer (a very long path): keep its start, drop the rest. */
            if (!skipping)
                parse_line(m, scratch, filled);
            m->truncated = 1;
            skipping = 1;
            filled = 0;
        }
    }
    if (m->count >= m->capacity)
        m->truncated = 1;
    sys_close(fd);
    errno = saved_errno;
    return result;
}

const map_entry *memory_map_find(const memory_map *m, uintptr_t addr) {
    if (m == NULL)
        return NULL;
    size_t lo = 0;
    size_t hi = m->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const map_entry *e = &m->entries[mid];
        if (addr < e->start)
            hi = mid;
        else if (addr >= e->end)
            lo = mid + 1;
        else
            return e;
    }
    return NULL;
}

int memory_map_readable(const memory_map *m, uintptr_t addr, size_t len) {
    if (m == NULL)
        return 0;
    if (len == 0)
        len = 1;  /* an empty read still needs a valid address to be meaningful */
    if (addr + len < addr)
        return 0;
    uintptr_t last = addr + len - 1;
    uintptr_t cursor = addr;
    size_t steps;
    /* Each step moves to the next mapping, so the number of entries bounds the walk. */
    for (steps = 0; steps <= m->count; steps++) {
        const map_entry *e = memory_map_find(m, cursor);
        if (e == NULL || !(e->perms & MAP_PERM_R) || e->read_hazard)
            return 0;
        if (last < e->end)
            return 1;
        cursor = e->end;
    }
    return 0;
}

const char *memory_map_path(const memory_map *m, const map_entry *e) {
    if (m == NULL || e == NULL || m->paths == NULL || e->path >= m->paths_used)
        return "";
    return m->paths + e->path;
}
