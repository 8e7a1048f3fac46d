/* The armed agent's state, published where `crashcap attach`, `dump` and `status` read it: system
 * properties, which the attach protocol's `properties` command returns without loading anything into
 * the JVM. Every way of arming calls this once, after the handlers are installed, from agent_arming.c (with JNI:
 * in VMInit or later under -agentpath). */
#ifndef CRASHCAP_STATUS_PROPERTY_H
#define CRASHCAP_STATUS_PROPERTY_H

#include <jni.h>

/* Sets crashcap.armed = "<version> <bundle folder>" and crashcap.status = the records of
 * docs/attach.md ("crashcap status"): the folder the capture was prepared with, the pid, the time
 * now (armed since), `how` ("javaagent", "attach", "agentpath"), `version`, then `option_records` as
 * given (lines "option TAB name TAB value", escaped as capture.txt, secrets already redacted).
 * Returns NULL, or a one-line reason (the properties are then not set; the agent works all the same). */
const char *status_property_publish(JNIEnv *jni, const char *how, const char *version, const char *option_records);

#endif
