/* Arming time: reads and checks HotSpot's code cache layout for the walk through Java frames (handler/hotspot_code.h).
 * jvm_function is any function of libjvm (to find it when it was loaded RTLD_LOCAL). On failure the layout stays
 * unused and hotspot_code.problem says why. */
#ifndef CRASHCAP_HOTSPOT_CODE_PREPARE_H
#define CRASHCAP_HOTSPOT_CODE_PREPARE_H

void hotspot_code_prepare(void *jvm_function);

#endif
