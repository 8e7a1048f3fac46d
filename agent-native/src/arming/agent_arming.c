/* See agent_arming.h: the arming sequence that Agent.arm ran in Java before, now one C function for the three ways
 * in, and the JNI method through which -javaagent and attach call it (NativeAgent.armAgent). Nothing here runs in a
 * signal handler. */
#include "agent_arming.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent_options.h"
#include "java_background.h"
#include "java_properties.h"
#include "jni_bridge.h"
#include "native_header.h"
#include "option_items.h"
#include "private_folder.h"
#include "process_start.h"
#include "redaction.h"
#include "signal_install.h"
#include "stack_memory.h"
#include "status_property.h"
#include "unfinished_bundles.h"

#define EXPORT __attribute__((visibility("default")))

#ifndef CRASHCAP_VERSION
#define CRASHCAP_VERSION "dev"
#endif

/* Agent.ARMED and Agent.NOT_ARMED. */
#define ARMED_PROPERTY "crashcap.armed"
#define NOT_ARMED_PROPERTY "crashcap.notArmed"

typedef struct {
    JNIEnv *jni;
    jvmtiEnv *jvmti; /* NULL: System.getProperty only */
} lookup_context;

static char *property(void *context, const char *name) {
    lookup_context *lookup = context;
    char *value = NULL;
    if (lookup->jvmti != NULL && (*lookup->jvmti)->GetSystemProperty(lookup->jvmti, name, &value) == JVMTI_ERROR_NONE
        && value != NULL) {
        char *copy = strdup(value);
        (*lookup->jvmti)->Deallocate(lookup->jvmti, (unsigned char *)value);
        return copy;
    }
    return java_properties_get(lookup->jni, name);
}

static char *environment(void *context, const char *name) {
    const char *value = getenv(name);
    return value == NULL ? NULL : strdup(value);
}

static void say_line(text_buffer *say, const char *prefix, const char *text) {
    text_buffer_append_string(say, prefix);
    text_buffer_append_string(say, text);
    text_buffer_append_string(say, "\n");
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

static agent_arming_result not_armed(JNIEnv *jni, const char *why, text_buffer *say) {
    say_line(say, "crashcap: not armed: ", why);
    java_properties_set(jni, NOT_ARMED_PROPERTY, why);
    return AGENT_NOT_ARMED;
}

/* The folder bundles go to (AgentOptions.bundleFolder): `dir` against the working directory, by default
 * "crashcap" there; prepared (created 0700, refused if others may write to it). NULL, or why not. */
static const char *bundle_folder(const agent_options *options, lookup_context *context, char *folder, size_t size,
                                 char *why, size_t why_size) {
    char *cwd = property(context, "user.dir");
    const char *dir = agent_options_value(options, "dir");
    int resolved = private_folder_resolve(cwd != NULL ? cwd : ".", dir != NULL ? dir : "crashcap", folder, size);
    free(cwd);
    if (resolved != 0) return "bundle folder path too long";
    return private_folder_prepare(folder, why, why_size);
}

static agent_arming_result arm_with(JNIEnv *jni, lookup_context *context, const char *how, agent_options *options,
                                    const char *thread_name, text_buffer *say) {
    char folder[4096];
    char why[1024];
    const char *failure = bundle_folder(options, context, folder, sizeof folder, why, sizeof why);
    if (failure != NULL) return not_armed(jni, failure, say);
    if (signal_handler_installed()) return AGENT_ALREADY_ARMED; /* one set of handlers; the first folder stays */

    text_buffer header = {0};
    int64_t started = process_start_epoch_ms();
    native_header_render(&header, options, folder, started, property, context);
    const char *bytes = text_buffer_text(&header);
    size_t stack_bytes = (size_t)agent_options_stack_memory_kib(options) * 1024;
    stack_memory_configure(stack_bytes, stack_bytes * AGENT_CRASHING_STACK_FACTOR);
    failure = bytes == NULL ? "out of memory" : jni_bridge_arm(jni, folder, bytes, header.len, started, thread_name);
    text_buffer_free(&header);
    if (failure != NULL) return not_armed(jni, failure, say);

    /* crashcap.armed and crashcap.status: crashcap attach says "already armed", dump finds the folder, status shows
     * the options with their sources. */
    text_buffer records = {0};
    status_records(&records, options);
    const char *text = text_buffer_text(&records);
    if (text == NULL || status_property_publish(jni, how, CRASHCAP_VERSION, text) != NULL) {
        char state[4200];
        snprintf(state, sizeof state, "%s %s", CRASHCAP_VERSION, folder);
        java_properties_set(jni, ARMED_PROPERTY, state); /* at least "armed" */
    }
    text_buffer_free(&records);

    /* Finishing and upload of earlier crashes (docs/ship.md), in Java, only when there is something to do. */
    int target = agent_options_value(options, "url") != NULL || agent_options_value(options, "sentry-dsn") != NULL;
    if (target || unfinished_bundles_present(folder)) {
        java_background_start(jni, context->jvmti, options, folder, target, say);
    }
    for (size_t i = 0; i < options->warning_count; i++) say_line(say, "crashcap: ", options->warnings[i]);
    if (agent_options_verbose(options)) {
        char line[4300];
        snprintf(line, sizeof line, "crashcap %s: armed pid %ld, crash bundles go to %s", CRASHCAP_VERSION,
                 (long)getpid(), folder);
        say_line(say, "", line);
    }
    return AGENT_ARMED;
}

agent_arming_result agent_arming_arm(JNIEnv *jni, jvmtiEnv *agentpath_jvmti, const char *how, const char *argument,
                                     const char *folder_override, const char *thread_name, text_buffer *say) {
    lookup_context context = {jni, agentpath_jvmti};
    agent_options options;
    agent_arming_result result;
    if (agent_options_parse(&options, argument, property, environment, &context) != 0
        || (folder_override != NULL && folder_override[0] != '\0' && agent_options_with_dir(&options, folder_override) != 0)) {
        result = not_armed(jni, "out of memory", say);
    } else {
        result = arm_with(jni, &context, how, &options, thread_name, say);
    }
    agent_options_free(&options);
    return result;
}

/* NativeAgent.armAgent: "armed", "already" or "failed", then a newline and the lines for stderr (Agent prints them
 * with System.err, the stream the Java agent always wrote to). */
EXPORT JNIEXPORT jstring JNICALL Java_dev_crashcap_agent_NativeAgent_armAgent(
        JNIEnv *jni, jclass cls, jstring how, jstring argument, jstring folder_override, jstring thread_name) {
    const char *how_chars = (*jni)->GetStringUTFChars(jni, how, NULL);
    const char *argument_chars = argument == NULL ? NULL : (*jni)->GetStringUTFChars(jni, argument, NULL);
    const char *folder_chars = folder_override == NULL ? NULL : (*jni)->GetStringUTFChars(jni, folder_override, NULL);
    const char *name = thread_name == NULL ? NULL : (*jni)->GetStringUTFChars(jni, thread_name, NULL);
    text_buffer say = {0};
    const char *state = "failed";
    if (how_chars == NULL || (argument != NULL && argument_chars == NULL) || (folder_override != NULL && folder_chars == NULL)) {
        not_armed(jni, "out of memory", &say);
    } else {
        agent_arming_result result = agent_arming_arm(jni, NULL, how_chars, argument_chars, folder_chars, name, &say);
        state = result == AGENT_ARMED ? "armed" : result == AGENT_ALREADY_ARMED ? "already" : "failed";
    }
    if (name != NULL) (*jni)->ReleaseStringUTFChars(jni, thread_name, name);
    if (folder_chars != NULL) (*jni)->ReleaseStringUTFChars(jni, folder_override, folder_chars);
    if (argument_chars != NULL) (*jni)->ReleaseStringUTFChars(jni, argument, argument_chars);
    if (how_chars != NULL) (*jni)->ReleaseStringUTFChars(jni, how, how_chars);
    text_buffer reply = {0};
    text_buffer_append_string(&reply, state);
    text_buffer_append_string(&reply, "\n");
    const char *said = text_buffer_text(&say);
    if (said != NULL) text_buffer_append_string(&reply, said);
    const char *text = text_buffer_text(&reply);
    jstring answer = text == NULL ? NULL : (*jni)->NewStringUTF(jni, text);
    text_buffer_free(&reply);
    text_buffer_free(&say);
    return answer;
}
