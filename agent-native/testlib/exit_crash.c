/* A JNI library whose atexit handler crashes (CrashShapesIT): registered from Java, it runs in exit() after
 * System.exit, once the JVM has stopped its Java threads at the final safepoint. Part of libcrashcaptest.so. */
#include <jni.h>
#include <stdlib.h>

#define EXPORT __attribute__((visibility("default"), noinline))

static volatile int sink;

/* The crash site: a write through a null pointer, as a library's cleanup might make with state already freed. */
EXPORT void crashcaptest_exit_cleanup(int *state) {
    state[1] = 0;
    sink = 1;
}

EXPORT void crashcaptest_at_exit(void) {
    crashcaptest_exit_cleanup(NULL);
    sink = 2;
}

EXPORT JNIEXPORT void JNICALL Java_dev_crashcap_testapp_CrashShapes_crashAtExit(JNIEnv *env, jclass cls) {
    atexit(crashcaptest_at_exit);
}
