#include "own_memory.h"

#include "sys.h"

int own_memory_read(const memory_map *map, uintptr_t address, void *out, size_t size) {
    if (address == 0 || address + size < address) return 0;
    if (map != NULL && memory_map_readable(map, address, size)) {
        memcpy(out, (const void *)address, size);
        return 1;
    }
    return sys_read_own_memory(out, address, size);
}
