/* -agentpath:/path/to/libcrashcap.so[=<options>]: the JVMTI way in. Arms the process at VMInit with the arming
 * -javaagent and attach use too (agent_arming.c: options, folder, header, handlers, status, background thread,
 * warnings), with no Java class loaded: Java is used only when it has work, from the crashcap.jar next to this
 * library (java_background.h). Nothing here runs in a signal handler. */
#include <dlfcn.h>
#include <jni.h>
#include <jvmti.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_arming.h"
#include "tool_jvm.h"
#include "java_properties.h"
#include "text_buffer.h"

#define EXPORT __attribute__((visibility("default")))

/* Agent.ARMED, and the property NativeLibrary reads to know that the native methods are this library's already
 * (HotSpot binds native methods to agent libraries too). */
#define ARMED_PROPERTY "crashcap.armed"
#define LIBRARY_PROPERTY "crashcap.agentpath"

static jvmtiEnv *jvmti;
static char *agent_argument; /* the text after '=', or NULL */

/* The path this library was loaded from, as given to -agentpath. */
static const char *library_path(void) {
    Dl_info info;
    return dladdr((void *)library_path, &info) != 0 && info.dli_fname != NULL ? info.dli_fname : NULL;
}

static void JNICALL on_vm_init(jvmtiEnv *env, JNIEnv *jni, jthread thread) {
    if (tool_jvm_runs_here(jni)) return; /* the crashcap CLI or a JDK tool under JAVA_TOOL_OPTIONS: not the application */
    const char *library = library_path();
    if (library != NULL) java_properties_set(jni, LIBRARY_PROPERTY, library);
    char *armed = java_properties_get(jni, ARMED_PROPERTY);
    if (armed != NULL) { /* a -javaagent before us armed the process: one set of handlers per process */
        free(armed);
        return;
    }
    text_buffer say = {0};
    agent_arming_arm(jni, jvmti, "agentpath", agent_argument, NULL, NULL, &say);
    const char *text = text_buffer_text(&say);
    if (text != NULL) fputs(text, stderr);
    text_buffer_free(&say);
}

/* Start-up: only what must happen before the VM runs Java code; the arming itself waits for VMInit, where
 * JNI works and the thread and class events can be turned on, as premain does. Never refuses to let the JVM
 * start: a failure is one line on stderr, as with -javaagent. */
EXPORT JNIEXPORT jint JNICALL Agent_OnLoad(JavaVM *vm, char *options, void *reserved) {
    if ((*vm)->GetEnv(vm, (void **)&jvmti, JVMTI_VERSION_1_2) != JNI_OK) {
        fprintf(stderr, "crashcap: not armed: JVMTI is not available\n");
        return JNI_OK;
    }
    agent_argument = options == NULL ? NULL : strdup(options);
    jvmtiEventCallbacks callbacks = {0};
    callbacks.VMInit = on_vm_init;
    if ((*jvmti)->SetEventCallbacks(jvmti, &callbacks, sizeof callbacks) != JVMTI_ERROR_NONE ||
        (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_ENABLE, JVMTI_EVENT_VM_INIT, NULL) != JVMTI_ERROR_NONE) {
        fprintf(stderr, "crashcap: not armed: cannot enable the JVMTI VMInit event\n");
    }
    return JNI_OK;
}
