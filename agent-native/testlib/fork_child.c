/* A JNI library call that forks, and the child crashes before it could exec (CrashShapesIT): the child is a copy
 * of the JVM with one thread and every signal handler inherited. The parent waits for it and returns its raw wait
 * status. Part of libcrashcaptest.so, built the same way. */
#define _GNU_SOURCE 1
#include <jni.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default"), noinline))

static volatile int sink;

/* The child's crash site: a write through a null pointer. */
EXPORT void crashcaptest_child_crash(int *target) {
    *target = 42;
    sink = 1;
}

EXPORT JNIEXPORT jint JNICALL Java_dev_crashcap_testapp_CrashShapes_forkAndCrashInChild(JNIEnv *env, jclass cls) {
    pid_t child = fork();
    if (child < 0) return -1;
    if (child == 0) {
        crashcaptest_child_crash(NULL);
        _exit(99); /* not reached */
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0) {
    }
    return status;
}
