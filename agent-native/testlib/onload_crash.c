/* libcrashcaponload.so: a JNI library whose JNI_OnLoad crashes (CrashShapesIT), so the JVM dies inside
 * System.load while the library is mapped but not yet registered as loaded. Built like libcrashcaptest.so. */
#include <jni.h>

#define EXPORT __attribute__((visibility("default"), noinline))

static volatile int sink;

/* The crash site, one call below JNI_OnLoad: a write through a null pointer. */
EXPORT void crashcaponload_init_tables(int *table) {
    table[3] = 7;
    sink = 1;
}

EXPORT JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
    crashcaponload_init_tables(NULL);
    sink = 2;
    return JNI_VERSION_1_8;
}
