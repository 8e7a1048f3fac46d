/* Arming time: finds the offsets handler/java_method_name.c needs in gHotSpotVMStructs (arming/vm_structs.c),
 * checks each is there, has its declared size and lies inside its object, and then believes them only if they
 * name real methods exactly as JVMTI names them: every method of a few JDK classes, its class, its source
 * file and every entry of its line number table. That check also tells which of the two encodings of numbers
 * the line tables use (JDK 17's, or the one without zero bytes of JDK 21+). When anything fails,
 * hotspot_methods.problem says why and Java frames are named by the resolver thread alone. Never in a signal
 * handler. */
#ifndef CRASHCAP_JAVA_METHOD_LAYOUT_H
#define CRASHCAP_JAVA_METHOD_LAYOUT_H

#include <jni.h>
#include <jvmti.h>

void java_method_layout_prepare(JNIEnv *jni, jvmtiEnv *jvmti);

#endif
