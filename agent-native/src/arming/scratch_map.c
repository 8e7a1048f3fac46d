#include "scratch_map.h"

#include "sys.h"

#define ENTRIES 65536
#define PATH_BYTES (4u << 20)
#define LINE_BYTES 4096

void scratch_map_release(memory_map *map) {
    if (map->entries != NULL) sys_munmap(map->entries, ENTRIES * sizeof(map_entry));
    if (map->paths != NULL) sys_munmap(map->paths, PATH_BYTES);
    *map = (memory_map){ 0 };
}

int scratch_map_read(memory_map *map) {
    *map = (memory_map){ 0 };
    char *line = sys_mmap_anonymous(LINE_BYTES, MAP_NORESERVE);
    map->entries = sys_mmap_anonymous(ENTRIES * sizeof(map_entry), MAP_NORESERVE);
    map->paths = sys_mmap_anonymous(PATH_BYTES, MAP_NORESERVE);
    map->capacity = map->entries != NULL ? ENTRIES : 0;
    map->paths_capacity = map->paths != NULL ? PATH_BYTES : 0;
    int result = line != NULL && map->entries != NULL && map->paths != NULL ? memory_map_read(map, line, LINE_BYTES) : -1;
    if (line != NULL) sys_munmap(line, LINE_BYTES);
    if (result != 0) scratch_map_release(map);
    return result;
}
