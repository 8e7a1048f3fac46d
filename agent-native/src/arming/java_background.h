/* The Java part of an armed JVM that runs in the background: the crashcap-upload daemon thread
 * (dev.crashcap.agent.BackgroundUpload), which 3 s after start-up finishes the bundles earlier crashes left and,
 * with an upload target, uploads them (docs/ship.md). Started by the native arming for every way in, and only when
 * it has something to do: a target is set, or the folder holds unfinished bundles (unfinished_bundles.h). */
#ifndef CRASHCAP_JAVA_BACKGROUND_H
#define CRASHCAP_JAVA_BACKGROUND_H

#include <jni.h>
#include <jvmti.h>

#include "agent_options.h"
#include "text_buffer.h"

/* Starts the thread. `jar_next_to_library`: a JVMTI environment when crashcap.jar is not on the class path yet
 * (-agentpath): the jar next to this library is appended to the system class path first; NULL when the caller's
 * jar is on it (-javaagent, attach). `target`: url= or sentry-dsn= is set. What cannot be done is said in `say`
 * (lines for stderr), and only when an upload target was asked for: finishing alone is left to crashcap finish. */
void java_background_start(JNIEnv *jni, jvmtiEnv *jar_next_to_library, const agent_options *options,
                           const char *folder, int target, text_buffer *say);

#endif
