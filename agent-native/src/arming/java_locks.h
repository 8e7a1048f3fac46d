/* locks.txt of a snapshot bundle, listed in C through JVMTI and JNI for the native dump (native_dump.c), in the format
 * and with the content LocksFile.list gives from ThreadMXBean (docs/capture-format.md): each thread's id, name and
 * state, the monitors it holds, the lock it waits for with its owner, and the deadlocks among monitors and ownable
 * synchronizers (j.u.c. locks). From the same ThreadMXBean, called from C: without java.instrument and the Java agent,
 * and without ManagementFactory's own set-up (docs/attach.md, "The first dump"). Nothing here runs in a signal
 * handler. */
#ifndef CRASHCAP_JAVA_LOCKS_H
#define CRASHCAP_JAVA_LOCKS_H

#include <jni.h>

#include "text_buffer.h"

/* Appends the whole text of locks.txt to `out`; returns NULL, or a one-line reason as Dump words it (then `out` holds
 * nothing useful); `why` is room the reason may be written into. */
const char *java_locks_list(JNIEnv *jni, text_buffer *out, char *why, size_t why_size);

#endif
