/* Arming time: reads and checks HotSpot's code cache layout for the walk through Java frames (handler/hotspot_code.h).
 * jvm_function is any function of libjvm (to find it when it was loaded RTLD_LOCAL); map: the process's mappings
 * (arming/scratch_map.h), read after the JVM initialised its code cache. On failure the layout stays unused and
 * hotspot_code.problem says why. */
#ifndef CRASHCAP_HOTSPOT_CODE_PREPARE_H
#define CRASHCAP_HOTSPOT_CODE_PREPARE_H

#include "memory_map.h"

void hotspot_code_prepare(void *jvm_function, const memory_map *map);

#endif
