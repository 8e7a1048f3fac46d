/* Arming time: finds the offsets handler/java_method_name.c needs in gHotSpotVMStructs (arming/vm_structs.c),
 * checks each is there, has its declared size and lies inside its object, and then believes them only if they
 * name real methods exactly as JVMTI names them: a dozen JDK methods of every shape (static and instance, overloads,
 * a constructor, native ones, long ones with loops), their classes, source files and every entry of their line
 * number tables. That check also tells which of the two encodings of numbers
 * the line tables use (JDK 17's, or the one without zero bytes of JDK 21+). When anything fails,
 * hotspot_methods.problem says why and Java frames are named by the resolver thread alone. Never in a signal
 * handler. */
#ifndef CRASHCAP_JAVA_METHOD_LAYOUT_H
#define CRASHCAP_JAVA_METHOD_LAYOUT_H

#include <jni.h>
#include <jvmti.h>

#include "memory_map.h"

/* map: the process's mappings (arming/scratch_map.h), for reading HotSpot's metadata directly where it lists it
 * (else through the kernel: slower, as right); NULL for none. */
void java_method_layout_prepare(JNIEnv *jni, jvmtiEnv *jvmti, const memory_map *map);

#endif
