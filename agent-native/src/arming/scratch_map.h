/* /proc/self/maps read at arming time, into memory mapped for it and unmapped after. Arming reads it once
 * (jni_bridge.c) for its checks (java_method_layout.c, hotspot_code_prepare.c) and its GOT writes (got_slots.c):
 * each read costs 0.2 to 0.3 ms in a fresh JVM (milliseconds with a thousand threads), and there were four. Shared
 * only where a map a little older is as good: the method check reads through own_memory (which asks the kernel for
 * what the map does not list), the code cache check reads memory that is never unmapped, and GOT pages keep their
 * protections. Not malloc: the buffers are megabytes (room for every mapping of a big process), and freeing a
 * malloc'd block that large raises glibc's mmap threshold, so that the arming's later allocations of a few hundred
 * KiB came out of the heap, zeroed page by page, and stayed resident (measured: +0.5 MiB peak RSS at start-up).
 * Address space only: the kernel backs the pages the read touches. Never in a signal handler. */
#ifndef CRASHCAP_SCRATCH_MAP_H
#define CRASHCAP_SCRATCH_MAP_H

#include "memory_map.h"

/* Returns 0 with map filled, or -1 (map is then empty; releasing it is harmless). */
int scratch_map_read(memory_map *map);

void scratch_map_release(memory_map *map);

#endif
