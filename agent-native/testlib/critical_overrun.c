/* A JNI library bug that kills the JVM later, inside its garbage collector (dev.crashcap.testapp.GcCrashAfterCriticalOverrun):
 * a primitive array obtained with GetPrimitiveArrayCritical is written far past its end, over the headers of the
 * objects that follow it in the heap, and released as if nothing happened. The crash comes at the next GC that
 * walks those objects, in libjvm, on a GC thread, while every Java thread waits at a safepoint: the case where
 * crashcap's resolver thread (JVMTI) cannot run and Java frames must be named from HotSpot's structures.
 * Built into libcrashcaptest.so with the flags of crashcaptest.c. */
#include <jni.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default"), noinline))

/* Writes `overrun` bytes of 0xff after the array's last element: mark words and (compressed) class pointers of
 * the next objects become values no GC can follow. */
EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_GcCrashAfterCriticalOverrun_overrunCriticalArray(
        JNIEnv *env, jclass cls, jbyteArray victim, jint overrun) {
    jsize length = (*env)->GetArrayLength(env, victim);
    jbyte *elements = (*env)->GetPrimitiveArrayCritical(env, victim, NULL);
    if (elements == NULL) return;
    memset(elements + length, 0xff, (size_t)overrun);
    (*env)->ReleasePrimitiveArrayCritical(env, victim, elements, 0);
}
