/* Arming, shared by every way in: agent_arming.c calls it for -agentpath (agentpath.c), -javaagent and attach
 * (NativeAgent.armAgent) and the native dump (native_dump.c). */
#ifndef CRASHCAP_JNI_BRIDGE_H
#define CRASHCAP_JNI_BRIDGE_H

#include <jni.h>
#include <stddef.h>
#include <stdint.h>

/* Prepares the capture (bundle folder, header bytes written verbatim at a crash) and installs the
 * handlers, once per process. thread_name: the current thread's Java name, or NULL to ask JVMTI.
 * Returns NULL when armed (or armed already), else a one-line reason. */
const char *jni_bridge_arm(JNIEnv *jni, const char *folder, const char *header, size_t header_len,
                           int64_t start_epoch_ms, const char *thread_name);

/* A live snapshot bundle of every thread into `folder` (the agent must be armed): NULL and the bundle's path in
 * `path`, or a one-line reason. Used by NativeAgent.snapshot and the native dump (native_dump.c). */
const char *jni_bridge_snapshot(const char *folder, char *path, size_t path_size);

#endif
