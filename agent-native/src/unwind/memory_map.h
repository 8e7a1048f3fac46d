/* The process's memory mappings, read from /proc/self/maps with async-signal-safe calls only. */
#ifndef CRASHCAP_MEMORY_MAP_H
#define CRASHCAP_MEMORY_MAP_H

#include <stddef.h>
#include <stdint.h>

enum { MAP_PERM_R = 1, MAP_PERM_W = 2, MAP_PERM_X = 4 };

typedef struct {
    uintptr_t start;
    uintptr_t end;            /* exclusive */
    uint64_t offset;          /* file offset of start */
    uint64_t inode;
    unsigned perms;           /* MAP_PERM_* */
    uint32_t path;            /* offset into memory_map.paths; 0 means "no path" */
    uint8_t deleted;          /* 1 when the kernel said the file was deleted (or replaced) while mapped: its
                               * " (deleted)" suffix is not part of `path` */
    uint8_t read_hazard;      /* 1 when reading may fault or have side effects although the mapping
                               * says 'r' ([vvar*] pages, device files): memory_map_readable refuses it */
} map_entry;

/* All storage is the caller's (pre-allocated at install time), so reading needs no malloc. */
typedef struct {
    map_entry *entries;
    size_t capacity;
    size_t count;
    char *paths;              /* NUL-terminated strings; paths[0] is "" */
    size_t paths_capacity;
    size_t paths_used;
    int truncated;            /* 1 when entries or paths ran out of room */
} memory_map;

/* Reads /proc/self/maps (open/read/close only; `scratch` is a line buffer of the caller's, at least 128
 * bytes; 4 KiB or more keeps long paths whole). Entries come out sorted by start address, as the kernel
 * lists them. Running out of entries or path room sets `truncated` and still returns 0. errno is kept.
 * Returns 0, or -1 on error. */
int memory_map_read(memory_map *m, char *scratch, size_t scratch_size);

/* The entry containing addr, or NULL. Binary search. */
const map_entry *memory_map_find(const memory_map *m, uintptr_t addr);

/* 1 when [addr, addr+len) lies entirely in readable mappings. */
int memory_map_readable(const memory_map *m, uintptr_t addr, size_t len);

/* The entry's path ("" for anonymous mappings). */
const char *memory_map_path(const memory_map *m, const map_entry *e);

#endif
