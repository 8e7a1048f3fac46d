/* What the capture prepares at arming time (arming/capture_prepare.c) and uses at a crash
 * (handler/capture.c): the bundle folder, the pre-rendered header, and memory reserved for the memory
 * map and the module list. */
#ifndef CRASHCAP_CAPTURE_PREPARED_H
#define CRASHCAP_CAPTURE_PREPARED_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "elf_image.h"
#include "memory_map.h"

/* Room for the memory map of a JVM with thousands of threads (each thread stack is two or three
 * mappings) and for its modules. Reserved with mmap at install time and not touched until a crash,
 * so it costs address space, not resident memory. */
#define MAP_ENTRIES 65536
#define MAP_PATH_BYTES (4u << 20)
#define MODULES_MAX 4096
#define FRAMES_MAX 65536
#define MAPS_LINE_BYTES 8192
#define CRASHING_JAVA_FRAMES 1024

/* glibc's record of its last fatal message (abort_msg_s in glibc's own headers: a size, then the
 * text). GLIBC_PRIVATE, so it is looked up by name and may be absent. */
struct glibc_abort_msg {
    unsigned int size;
    char msg[];
};

typedef struct {
    char folder[PATH_MAX];
    const char *header;
    size_t header_len;
    int64_t start_epoch_ms;
    struct glibc_abort_msg **abort_msg;
    memory_map map;
    module_info *modules;
    size_t module_count;
    char *maps_line;
    int armed_pid; /* the process that armed: another pid at a crash is a child forked from it */
} capture_prepared;

extern capture_prepared prepared;

#endif
