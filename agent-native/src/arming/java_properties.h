/* System properties through JNI, for the arming code that runs without Java classes of its own: reading one
 * (System.getProperty) and publishing the agent's state (System.setProperty). The System class is loaded and
 * initialised before VMInit, so neither loads a class. */
#ifndef CRASHCAP_JAVA_PROPERTIES_H
#define CRASHCAP_JAVA_PROPERTIES_H

#include <jni.h>

/* System.getProperty(name): a malloc'ed copy (modified UTF-8), or NULL if unset or on any failure. */
char *java_properties_get(JNIEnv *jni, const char *name);

/* System.setProperty(name, value), best effort (a security manager may say no; the agent works all the same). */
void java_properties_set(JNIEnv *jni, const char *name, const char *value);

#endif
