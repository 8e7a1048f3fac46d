/* aarch64: the walk through Java frames is not implemented; arming marks the layout unusable
 * (arming/hotspot_code_prepare.c), so these are never reached, and Java frames come from AsyncGetCallTrace alone. */
#include "hotspot_arch.h"

int hotspot_arch_interpreted_step(const memory_map *map, unwind_regs *regs, uintptr_t *method, uintptr_t *bcp) {
    return 0;
}

int hotspot_arch_fixed_step(const memory_map *map, unwind_regs *regs, int frame_words) {
    return 0;
}

int hotspot_arch_entry_step(const memory_map *map, unwind_regs *regs) {
    return 0;
}
