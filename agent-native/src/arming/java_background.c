/* See java_background.h. Nothing here runs in a signal handler. */
#include "java_background.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BACKGROUND_CLASS "dev/crashcap/agent/BackgroundUpload"
#define BACKGROUND_SIGNATURE \
    "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;" \
    "Ljava/lang/String;ZZ)V"

/* The path this library was loaded from, as given to -agentpath. */
static const char *library_path(void) {
    Dl_info info;
    return dladdr((void *)library_path, &info) != 0 && info.dli_fname != NULL ? info.dli_fname : NULL;
}

static void say_line(text_buffer *say, const char *line) {
    text_buffer_append_string(say, line);
    text_buffer_append_string(say, "\n");
}

/* A Java string, or null for NULL (an option that is unset). */
static jstring string_or_null(JNIEnv *jni, const char *text, int *failed) {
    if (text == NULL) return NULL;
    jstring string = (*jni)->NewStringUTF(jni, text);
    if (string == NULL) *failed = 1;
    return string;
}

/* AgentOptions.count: the value trimmed if it is a valid count (agent_options_count), else NULL. Written into out. */
static const char *count(const agent_options *options, const char *name, char *out, size_t size) {
    const char *value = agent_options_count(options, name);
    if (value == NULL) return NULL;
    while (*value != '\0' && (unsigned char)*value <= ' ') value++;
    size_t len = 0;
    while (len + 1 < size && value[len] > ' ') len++; /* at most 9 digits: agent_options_is_count */
    memcpy(out, value, len);
    out[len] = '\0';
    return out;
}

void java_background_start(JNIEnv *jni, jvmtiEnv *jar_next_to_library, const agent_options *options,
                           const char *folder, int target, text_buffer *say) {
    char jar[4096] = "crashcap.jar";
    char line[8600];
    if (jar_next_to_library != NULL) {
        const char *library = library_path();
        const char *slash = library == NULL ? NULL : strrchr(library, '/');
        if (slash != NULL) snprintf(jar, sizeof jar, "%.*s/crashcap.jar", (int)(slash - library), library);
        if (access(jar, R_OK) != 0) {
            snprintf(line, sizeof line, "crashcap: upload is off: no %s next to the library (bundles stay in %s;"
                                        " crashcap upload sends them)", jar, folder);
            if (target) say_line(say, line);
            return;
        }
        if ((*jar_next_to_library)->AddToSystemClassLoaderSearch(jar_next_to_library, jar) != JVMTI_ERROR_NONE) {
            snprintf(line, sizeof line, "crashcap: upload is off: the JVM did not take %s on its class path", jar);
            if (target) say_line(say, line);
            return;
        }
    }
    char max_bundles[16], max_mb[16], crash_loop_limit[16];
    int failed = 0;
    jclass background = (*jni)->FindClass(jni, BACKGROUND_CLASS);
    jmethodID start = background == NULL ? NULL
        : (*jni)->GetStaticMethodID(jni, background, "start", BACKGROUND_SIGNATURE);
    if (start != NULL) {
        jstring args[7] = {
            string_or_null(jni, folder, &failed),
            string_or_null(jni, agent_options_value(options, "url"), &failed),
            string_or_null(jni, agent_options_value(options, "token"), &failed),
            string_or_null(jni, agent_options_value(options, "sentry-dsn"), &failed),
            string_or_null(jni, count(options, "max-bundles", max_bundles, sizeof max_bundles), &failed),
            string_or_null(jni, count(options, "max-mb", max_mb, sizeof max_mb), &failed),
            string_or_null(jni, count(options, "crash-loop-limit", crash_loop_limit, sizeof crash_loop_limit), &failed),
        };
        if (!failed) {
            (*jni)->CallStaticVoidMethod(jni, background, start, args[0], args[1], args[2], args[3], args[4], args[5],
                                         args[6], (jboolean)agent_options_flag(options, "sentry-minidump"),
                                         (jboolean)agent_options_verbose(options));
        }
        for (size_t i = 0; i < 7; i++) {
            if (args[i] != NULL) (*jni)->DeleteLocalRef(jni, args[i]);
        }
    }
    if (background != NULL) (*jni)->DeleteLocalRef(jni, background);
    if (start == NULL || failed || (*jni)->ExceptionCheck(jni)) {
        (*jni)->ExceptionClear(jni);
        snprintf(line, sizeof line, "crashcap: upload is off: %s has no upload entry point of this version", jar);
        if (target) say_line(say, line);
    }
}
