/* The capture file's header section (docs/capture-format.md) for -agentpath, rendered in C when the agent arms:
 * the same records, in the same order, as dev.crashcap.agent.CaptureHeader renders for -javaagent, gathered without
 * loading a Java class (system properties through JVMTI or the System class the JVM has loaded already, /proc,
 * /etc/os-release). AgentpathIT compares the two headers of one program. */
#ifndef CRASHCAP_NATIVE_HEADER_H
#define CRASHCAP_NATIVE_HEADER_H

#include <stdint.h>

#include "agent_options.h"
#include "text_buffer.h"

/* A system property by name: a malloc'ed value, or NULL when it is not set. */
typedef char *(*native_header_property)(void *context, const char *name);

void native_header_render(text_buffer *out, const agent_options *options, const char *bundle_folder,
                          int64_t process_start_epoch_ms, native_header_property property, void *context);

#endif
