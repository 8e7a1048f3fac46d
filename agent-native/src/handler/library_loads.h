/* Which Java class (and jar) asked for each native library. HotSpot loads JNI libraries with dlopen
 * called from libjvm (System.load -> JVM_LoadLibrary -> os::dll_load); crashcap points libjvm's GOT
 * slot for dlopen at a hook that, after a successful load, asks JVMTI for the calling Java frames.
 * Byte Buddy advice on System.loadLibrary does not see these loads on JDK 17+ (they go through
 * jdk.internal.loader.NativeLibraries), and /proc/self/maps alone knows no Java caller. */
#ifndef CRASHCAP_LIBRARY_LOADS_H
#define CRASHCAP_LIBRARY_LOADS_H

#include <jni.h>
#include <jvmti.h>
#include <stdatomic.h>

#include "bundle_writer.h"
#include "memory_map.h"

#define LOADS_MAX 512
#define TEXT_MAX 512

typedef struct {
    atomic_int ready;
    char path[TEXT_MAX];
    char java_class[TEXT_MAX];
    char jar[TEXT_MAX];
} library_load;

/* Appended by the dlopen hook (arming/library_loads.c) under the JVM's own lock for library loading,
 * read by the capture (handler/library_loads.c) without locks. */
extern library_load library_loads[LOADS_MAX];
extern atomic_int library_load_count;

/* Arming time (arming/library_loads.c); map: the process's mappings, read by the caller, for the protection of
 * the GOT page it writes. Returns NULL, or why loads cannot be watched (the bundle then has no such section). */
const char *library_loads_watch(JavaVM *vm, jvmtiEnv *jvmti, const memory_map *map);

/* In the capture: one `library` record per load seen. Async-signal-safe. */
void library_loads_write(bundle_writer *w);

#endif
