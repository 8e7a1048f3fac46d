/* Arming the process for crash capture from an option string, in C, for every way in: -agentpath (agentpath.c, at
 * VMInit), -javaagent (premain) and attach (agentmain), both through NativeAgent.armAgent. One sequence, so that the
 * three give the same bundle header, status, warnings and lines: the options are parsed (agent_options.c: the
 * argument, -Dcrashcap.*, CRASHCAP_*), the bundle folder is prepared (private_folder.c), the capture header is
 * rendered (native_header.c), the handlers are installed (jni_bridge_arm), crashcap.armed / crashcap.status are
 * published (status_property.c), the background finishing/upload thread is started when it has work
 * (java_background.h), and the warnings and, with verbose, the "armed" line are said. */
#ifndef CRASHCAP_AGENT_ARMING_H
#define CRASHCAP_AGENT_ARMING_H

#include <jni.h>
#include <jvmti.h>

#include "text_buffer.h"

typedef enum { AGENT_ARMED, AGENT_ALREADY_ARMED, AGENT_NOT_ARMED } agent_arming_result;

/* `how`: "agentpath", "javaagent" or "attach" (crashcap status shows it). `agentpath_jvmti`: the -agentpath agent's
 * JVMTI environment, NULL for the others: with it, system properties are read through JVMTI first (it has every -D
 * before the Java library has set its own) and crashcap.jar is looked for next to the library; without it, through
 * System.getProperty, as the Java agent always did. `folder_override`: a bundle folder above every other setting
 * (a dump request's), or NULL. `thread_name`: the current thread's Java name, or NULL to have JVMTI say it.
 * The lines for stderr (warnings, verbose, "crashcap: not armed: ...") are appended to `say`, in order; a failure
 * is also published as crashcap.notArmed. */
agent_arming_result agent_arming_arm(JNIEnv *jni, jvmtiEnv *agentpath_jvmti, const char *how, const char *argument,
                                     const char *folder_override, const char *thread_name, text_buffer *say);

#endif
