/* GOT slots: where a module's calls to a function of another module go through. Pointing a slot at a
 * hook of ours makes that module's calls to the function come to us first. Arming-time code (and hooks
 * running in normal thread context): never called from a signal handler. */
#ifndef CRASHCAP_GOT_SLOTS_H
#define CRASHCAP_GOT_SLOTS_H

#include <link.h>
#include <stddef.h>
#include <stdint.h>

#include "memory_map.h"

/* The GOT slots of the module `info` (from dl_iterate_phdr) that the dynamic linker fills with the address
 * of `symbol` (JUMP_SLOT or GLOB_DAT relocations), at most `max` of them. Returns how many were found. */
size_t got_find_slots(const struct dl_phdr_info *info, const char *symbol, uintptr_t *slots, size_t max);

/* 1 if address lies in one of the module's loaded segments (a lazily bound slot still points at the
 * module's own PLT stub). */
int got_module_contains(const struct dl_phdr_info *info, uintptr_t address);

/* The protections of the process's mappings (/proc/self/maps), read once for several slot writes: the
 * file has a few lines per thread, and reading it for every slot of a scan cost tens of milliseconds at
 * arming in a JVM of 1,000 threads (the first `crashcap dump`). Start zeroed, or with `given` set to a map
 * the caller read (arming reads one for all its checks and writes: jni_bridge.c); got_maps_release after the
 * writes. The protections are those of the moment it is read, as a fresh read per write gave those of a
 * moment before that write. */
typedef struct {
    const memory_map *given;  /* the caller's map, or NULL: then `own`, read at the first write */
    memory_map own;
    int loaded;
} got_maps;

/* Writes value into the slot. The slot usually lies in RELRO memory (read-only once the loader is done,
 * always with -z now): the page is made writable for the write, then given back the protection it had.
 * maps: read once and kept for the next writes, or NULL to read them for this write alone. Returns 0,
 * or -1 when the page cannot be made writable. */
int got_write_slot(got_maps *maps, uintptr_t slot, void *value);

void got_maps_release(got_maps *maps);

#endif
