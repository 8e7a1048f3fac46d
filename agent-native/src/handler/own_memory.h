/* Reading the process's own memory inside a signal handler without ever faulting: where the capture's memory
 * map says the bytes are readable they are copied directly (the unwinder's way); anywhere else the kernel copies
 * them (process_vm_readv on our own pid), which fails instead of faulting where nothing is mapped. The map is
 * taken when a capture starts, and HotSpot maps memory after it (metadata, jmethodID tables, heap regions):
 * the map alone would refuse those reads. The map first, because a system call per read would cost a capture of
 * thousands of threads milliseconds. Async-signal-safe. */
#ifndef CRASHCAP_OWN_MEMORY_H
#define CRASHCAP_OWN_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "memory_map.h"

/* Copies size bytes at address into out; 1 when all could be read. */
int own_memory_read(const memory_map *map, uintptr_t address, void *out, size_t size);

#endif
