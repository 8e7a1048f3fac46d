#include "java_thread_state.h"

#include "sys.h"
#include "thread_registry.h"

hotspot_thread_layout hotspot_threads = { .problem = "HotSpot's structures were not read (not armed)" };

int java_thread_state_read(const memory_map *map, uintptr_t java_thread) {
    if (!hotspot_threads.ready || java_thread == 0 || map == NULL) return -1;
    uintptr_t address = java_thread + hotspot_threads.java_thread_state;
    /* The JavaThread is the caller's own (alive while it runs this), but the pointer came from a Java
     * field: read it only where the map says memory is readable, as the unwinder reads stacks. */
    if (address < java_thread || !memory_map_readable(map, address, sizeof(int32_t))) return -1;
    int32_t state;
    memcpy(&state, (const void *)address, sizeof state);
    return state;
}

const char *java_thread_state_name(int state) {
    for (int i = 0; i < hotspot_threads.state_count; i++) {
        if (hotspot_threads.state_values[i] == state) return hotspot_threads.state_names[i];
    }
    return NULL;
}

const char *java_thread_layout_problem(void) {
    return hotspot_threads.ready ? NULL : hotspot_threads.problem;
}

int java_thread_state_own(const memory_map *map) {
    thread_slot *slot = thread_registry_find(current_tid());
    if (slot == NULL) return -1;
    return java_thread_state_read(map, atomic_load(&slot->vm_thread));
}
