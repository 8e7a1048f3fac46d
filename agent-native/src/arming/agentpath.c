/* -agentpath:/path/to/libcrashcap.so[=<options>]: the JVMTI way in. Arms the process as -javaagent does
 * (Agent.arm) with no Java class loaded: the options are parsed here (agent_options.c, same precedence), the bundle
 * folder is prepared here (private_folder.c), the capture header is rendered here (native_header.c), and the
 * state is published as the same system properties (crashcap.armed, crashcap.notArmed), so that crashcap attach
 * and dump see an -agentpath JVM as armed. Java is used only for what needs it, and only then: the upload thread
 * (when url= or sentry-dsn= is set) from the crashcap.jar next to this library. Nothing here runs in a signal
 * handler. */
#include <dlfcn.h>
#include <jni.h>
#include <jvmti.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent_options.h"
#include "jni_bridge.h"
#include "native_header.h"
#include "option_items.h"
#include "private_folder.h"
#include "process_start.h"
#include "redaction.h"
#include "stack_memory.h"
#include "status_property.h"
#include "text_buffer.h"

#define EXPORT __attribute__((visibility("default")))

#ifndef CRASHCAP_VERSION
#define CRASHCAP_VERSION "dev"
#endif

/* The names Agent.java publishes (Agent.ARMED, Agent.NOT_ARMED), and the one NativeLibrary reads to know that
 * the native methods are this library's already (HotSpot binds native methods to agent libraries too). */
#define ARMED_PROPERTY "crashcap.armed"
#define NOT_ARMED_PROPERTY "crashcap.notArmed"
#define LIBRARY_PROPERTY "crashcap.agentpath"
#define UPLOAD_CLASS "dev/crashcap/agent/AgentpathUpload"

static jvmtiEnv *jvmti;
static char *agent_argument; /* the text after '=', or NULL */

typedef struct {
    JNIEnv *jni; /* NULL before VMInit: JVMTI properties only */
} lookup_context;

static char *duplicate_or_null(const char *text) {
    return text == NULL ? NULL : strdup(text);
}

/* System.getProperty(name) through JNI: the System class is loaded and initialised before VMInit, so this
 * loads nothing. For the properties the Java library sets itself (java.version, os.*, user.dir), which
 * JVMTI, knowing only the VM's own, does not have. */
static char *java_property(JNIEnv *jni, const char *name) {
    jclass system = (*jni)->FindClass(jni, "java/lang/System");
    if (system == NULL) {
        (*jni)->ExceptionClear(jni);
        return NULL;
    }
    jmethodID get = (*jni)->GetStaticMethodID(jni, system, "getProperty", "(Ljava/lang/String;)Ljava/lang/String;");
    jstring key = get == NULL ? NULL : (*jni)->NewStringUTF(jni, name);
    jstring value = key == NULL ? NULL : (jstring)(*jni)->CallStaticObjectMethod(jni, system, get, key);
    char *result = NULL;
    if ((*jni)->ExceptionCheck(jni)) {
        (*jni)->ExceptionClear(jni);
    } else if (value != NULL) {
        const char *chars = (*jni)->GetStringUTFChars(jni, value, NULL);
        result = duplicate_or_null(chars);
        if (chars != NULL) (*jni)->ReleaseStringUTFChars(jni, value, chars);
    }
    if (value != NULL) (*jni)->DeleteLocalRef(jni, value);
    if (key != NULL) (*jni)->DeleteLocalRef(jni, key);
    (*jni)->DeleteLocalRef(jni, system);
    return result;
}

static char *property(void *context, const char *name) {
    char *value = NULL;
    if ((*jvmti)->GetSystemProperty(jvmti, name, &value) == JVMTI_ERROR_NONE && value != NULL) {
        char *copy = strdup(value);
        (*jvmti)->Deallocate(jvmti, (unsigned char *)value);
        return copy;
    }
    lookup_context *lookup = context;
    return lookup != NULL && lookup->jni != NULL ? java_property(lookup->jni, name) : NULL;
}

static char *environment(void *context, const char *name) {
    return duplicate_or_null(getenv(name));
}

/* System.setProperty: best effort, as in Agent.publish. */
static void publish(JNIEnv *jni, const char *name, const char *value) {
    jclass system = (*jni)->FindClass(jni, "java/lang/System");
    jmethodID set = system == NULL ? NULL
        : (*jni)->GetStaticMethodID(jni, system, "setProperty",
                                    "(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;");
    jstring key = set == NULL ? NULL : (*jni)->NewStringUTF(jni, name);
    jstring text = key == NULL ? NULL : (*jni)->NewStringUTF(jni, value);
    if (text != NULL) {
        jobject old = (*jni)->CallStaticObjectMethod(jni, system, set, key, text);
        if (old != NULL) (*jni)->DeleteLocalRef(jni, old);
    }
    if ((*jni)->ExceptionCheck(jni)) (*jni)->ExceptionClear(jni); /* the state stays invisible; arming stands */
    if (text != NULL) (*jni)->DeleteLocalRef(jni, text);
    if (key != NULL) (*jni)->DeleteLocalRef(jni, key);
    if (system != NULL) (*jni)->DeleteLocalRef(jni, system);
}

/* The path this library was loaded from, as given to -agentpath. */
static const char *library_path(void) {
    Dl_info info;
    return dladdr((void *)library_path, &info) != 0 && info.dli_fname != NULL ? info.dli_fname : NULL;
}

/* The upload thread is Java (java.net.http, the spool): crashcap.jar, which the distribution puts next to this
 * library (lib/), is appended to the system class path and its entry point called, now and only when an upload
 * target is configured. Without the jar, arming stands and upload is off, in one line. */
static void start_upload(JNIEnv *jni, const agent_options *options, const char *folder) {
    const char *library = library_path();
    char jar[4096];
    const char *slash = library == NULL ? NULL : strrchr(library, '/');
    if (slash == NULL) snprintf(jar, sizeof jar, "crashcap.jar");
    else snprintf(jar, sizeof jar, "%.*s/crashcap.jar", (int)(slash - library), library);
    if (access(jar, R_OK) != 0) {
        fprintf(stderr, "crashcap: upload is off: no %s next to the library (bundles stay in %s; crashcap upload"
                        " sends them)\n", jar, folder);
        return;
    }
    if ((*jvmti)->AddToSystemClassLoaderSearch(jvmti, jar) != JVMTI_ERROR_NONE) {
        fprintf(stderr, "crashcap: upload is off: the JVM did not take %s on its class path\n", jar);
        return;
    }
    jclass upload = (*jni)->FindClass(jni, UPLOAD_CLASS);
    jmethodID start = upload == NULL ? NULL
        : (*jni)->GetStaticMethodID(jni, upload, "start", "(Ljava/lang/String;Ljava/lang/String;)V");
    jstring raw = start == NULL ? NULL : (*jni)->NewStringUTF(jni, options->raw);
    jstring where = raw == NULL ? NULL : (*jni)->NewStringUTF(jni, folder);
    if (where != NULL) (*jni)->CallStaticVoidMethod(jni, upload, start, raw, where);
    if (where == NULL || (*jni)->ExceptionCheck(jni)) {
        (*jni)->ExceptionClear(jni);
        fprintf(stderr, "crashcap: upload is off: %s has no upload entry point of this version\n", jar);
    }
}

/* StatusRecords.of: "option TAB name TAB value TAB source" for every option set, secrets redacted (crashcap status). */
static void status_records(text_buffer *out, const agent_options *options) {
    for (size_t i = 0; i < CRASHCAP_OPTIONS_COUNT; i++) {
        const char *value = options->values[i];
        if (value == NULL) continue;
        text_buffer shown = {0};
        if (redaction_is_secret_name(CRASHCAP_OPTIONS[i], strlen(CRASHCAP_OPTIONS[i]))) {
            text_buffer_append_string(&shown, REDACTED);
        } else {
            redaction_text(&shown, value, strlen(value));
        }
        const char *fields[] = {CRASHCAP_OPTIONS[i], text_buffer_text(&shown), options->sources[i]};
        text_buffer_append_string(out, "option");
        for (size_t f = 0; f < 3; f++) {
            text_buffer_append_string(out, "\t");
            for (const char *p = fields[f] != NULL ? fields[f] : REDACTED; *p; p++) {
                if (*p == '\\') text_buffer_append_string(out, "\\\\");
                else if (*p == '\t') text_buffer_append_string(out, "\\t");
                else if (*p == '\n') text_buffer_append_string(out, "\\n");
                else text_buffer_append(out, p, 1);
            }
        }
        text_buffer_append_string(out, "\n");
        text_buffer_free(&shown);
    }
}

static void not_armed(JNIEnv *jni, const char *why) {
    fprintf(stderr, "crashcap: not armed: %s\n", why);
    publish(jni, NOT_ARMED_PROPERTY, why);
}

static void JNICALL on_vm_init(jvmtiEnv *env, JNIEnv *jni, jthread thread) {
    const char *library = library_path();
    if (library != NULL) publish(jni, LIBRARY_PROPERTY, library);
    lookup_context context = {jni};
    char *armed = java_property(jni, ARMED_PROPERTY);
    if (armed != NULL) { /* a -javaagent before us armed the process: one set of handlers per process */
        free(armed);
        return;
    }
    agent_options options;
    if (agent_options_parse(&options, agent_argument, property, environment, &context) != 0) {
        not_armed(jni, "out of memory");
        agent_options_free(&options);
        return;
    }
    char *cwd = property(&context, "user.dir");
    const char *dir = agent_options_value(&options, "dir");
    char folder[4096];
    char why[1024];
    const char *failure = NULL;
    if (private_folder_resolve(cwd != NULL ? cwd : ".", dir != NULL ? dir : "crashcap", folder, sizeof folder) != 0) {
        failure = "bundle folder path too long";
    }
    free(cwd);
    if (failure == NULL) failure = private_folder_prepare(folder, why, sizeof why);
    text_buffer header = {0};
    if (failure == NULL) {
        int64_t started = process_start_epoch_ms();
        native_header_render(&header, &options, folder, started, property, &context);
        const char *bytes = text_buffer_text(&header);
        size_t stack_bytes = (size_t)agent_options_stack_memory_kib(&options) * 1024;
        stack_memory_configure(stack_bytes, stack_bytes * AGENT_CRASHING_STACK_FACTOR);
        failure = bytes == NULL ? "out of memory" : jni_bridge_arm(jni, folder, bytes, header.len, started, NULL);
    }
    text_buffer_free(&header);
    if (failure != NULL) {
        not_armed(jni, failure);
        agent_options_free(&options);
        return;
    }
    /* crashcap.armed and crashcap.status, as NativeAgent.publishStatus sets them for -javaagent and attach */
    text_buffer records = {0};
    status_records(&records, &options);
    const char *text = text_buffer_text(&records);
    if (text == NULL || status_property_publish(jni, "agentpath", CRASHCAP_VERSION, text) != NULL) {
        char state[4200];
        snprintf(state, sizeof state, "%s %s", CRASHCAP_VERSION, folder);
        publish(jni, ARMED_PROPERTY, state); /* at least "armed" */
    }
    text_buffer_free(&records);
    if (agent_options_value(&options, "url") != NULL || agent_options_value(&options, "sentry-dsn") != NULL) {
        start_upload(jni, &options, folder);
    }
    for (size_t i = 0; i < options.warning_count; i++) fprintf(stderr, "crashcap: %s\n", options.warnings[i]);
    if (agent_options_verbose(&options)) {
        fprintf(stderr, "crashcap %s: armed pid %ld, crash bundles go to %s\n", CRASHCAP_VERSION, (long)getpid(), folder);
    }
    agent_options_free(&options);
}

/* Start-up: only what must happen before the VM runs Java code; the arming itself waits for VMInit, where
 * JNI works and the thread and class events can be turned on, as premain does. Never refuses to let the JVM
 * start: a failure is one line on stderr, as with -javaagent. */
EXPORT JNIEXPORT jint JNICALL Agent_OnLoad(JavaVM *vm, char *options, void *reserved) {
    if ((*vm)->GetEnv(vm, (void **)&jvmti, JVMTI_VERSION_1_2) != JNI_OK) {
        fprintf(stderr, "crashcap: not armed: JVMTI is not available\n");
        return JNI_OK;
    }
    agent_argument = duplicate_or_null(options);
    jvmtiEventCallbacks callbacks = {0};
    callbacks.VMInit = on_vm_init;
    if ((*jvmti)->SetEventCallbacks(jvmti, &callbacks, sizeof callbacks) != JVMTI_ERROR_NONE ||
        (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_ENABLE, JVMTI_EVENT_VM_INIT, NULL) != JVMTI_ERROR_NONE) {
        fprintf(stderr, "crashcap: not armed: cannot enable the JVMTI VMInit event\n");
    }
    return JNI_OK;
}
