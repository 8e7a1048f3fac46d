/* `crashcap dump` of a JVM that is not armed, without the Java agent: the CLI sends the attach command
 * `load <libcrashcap.so> true <argument>`, and HotSpot calls Agent_OnAttach here. The argument is the Java agent's
 * (DumpRequest: `[<options>,]dump=<id>:<URL-encoded folder>[,dumpReply=<URL-encoded file>]`). In C, as -agentpath
 * arms: the arming (agent_arming.c, how = attach, the request's folder above every other setting), the snapshot
 * (jni_bridge_snapshot), locks.txt (java_locks.h: ThreadMXBean called from C), and the answer in the reply
 * file and the system properties, as Dump and DumpReply write them. Why: java.instrument, the agent's classes and
 * java.management cost a fresh JVM several times the CPU of the whole of jstack's dump (docs/attach.md).
 *
 * The CLI sends this only to a JVM with no libcrashcap.so mapped (never armed by any crashcap): a JVM armed already
 * gets the Java agent's dump as before, whatever version armed it. Should one be armed by another copy of the library
 * meanwhile, this answers crashcap.dumpFallback.<id> and the CLI loads the Java agent after all.
 * Nothing here runs in a signal handler. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <jni.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent_arming.h"
#include "existing_altstacks.h"
#include "java_locks.h"
#include "java_properties.h"
#include "jni_bridge.h"
#include "private_folder.h"
#include "signal_install.h"
#include "text_buffer.h"

#define EXPORT __attribute__((visibility("default")))

#define ARMED_PROPERTY "crashcap.armed"
#define NOT_ARMED_PROPERTY "crashcap.notArmed"
#define LOCKS_FILE "locks.txt"
#define LIBRARY_PROPERTY "crashcap.agentpath" /* NativeLibrary.AGENTPATH_PROPERTY */

typedef struct {
    char *id;
    char *folder; /* decoded, "" for the armed folder */
    char *reply;  /* decoded, "" for none */
    text_buffer options; /* the argument without the request */
} dump_request;

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* URLDecoder.decode: '+' is a space, %XX a byte. */
static char *url_decode(const char *text, size_t len) {
    char *out = malloc(len + 1);
    if (out == NULL) return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '+') {
            out[n++] = ' ';
        } else if (text[i] == '%' && i + 2 < len && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
            out[n++] = (char)(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        } else {
            out[n++] = text[i];
        }
    }
    out[n] = '\0';
    return out;
}

/* DumpRequest.find and withoutRequest. Returns 0 if the argument holds a request. */
static int parse_request(const char *argument, dump_request *request) {
    memset(request, 0, sizeof *request);
    const char *p = argument == NULL ? "" : argument;
    while (*p == ' ') p++;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end == NULL ? strlen(p) : (size_t)(end - p);
        if (len > 5 && strncmp(p, "dump=", 5) == 0 && request->id == NULL) {
            const char *colon = memchr(p + 5, ':', len - 5);
            if (colon != NULL && colon > p + 5) {
                request->id = strndup(p + 5, (size_t)(colon - (p + 5)));
                request->folder = url_decode(colon + 1, len - (size_t)(colon + 1 - p));
            }
        } else if (len >= 10 && strncmp(p, "dumpReply=", 10) == 0) {
            free(request->reply);
            request->reply = url_decode(p + 10, len - 10);
        } else if (!(len >= 5 && strncmp(p, "dump=", 5) == 0)) {
            if (request->options.len > 0) text_buffer_append_string(&request->options, ",");
            text_buffer_append(&request->options, p, len);
        }
        p = end == NULL ? p + len : end + 1;
    }
    if (request->reply == NULL) request->reply = strdup("");
    return request->id != NULL && request->folder != NULL && request->reply != NULL ? 0 : -1;
}

static void free_request(dump_request *request) {
    free(request->id);
    free(request->folder);
    free(request->reply);
    text_buffer_free(&request->options);
}

/* The answer: properties set as Dump.publish sets them, and collected for the reply file. */
typedef struct {
    JNIEnv *jni;
    text_buffer reply;
} answer;

static void escape_into(text_buffer *out, const char *text) {
    for (const char *p = text; *p; p++) {
        if (*p == '\\') text_buffer_append_string(out, "\\\\");
        else if (*p == '\t') text_buffer_append_string(out, "\\t");
        else if (*p == '\n') text_buffer_append_string(out, "\\n");
        else text_buffer_append(out, p, 1);
    }
}

static void answer_line(answer *a, const char *key, const char *value) {
    escape_into(&a->reply, key);
    text_buffer_append_string(&a->reply, "\t");
    escape_into(&a->reply, value);
    text_buffer_append_string(&a->reply, "\n");
}

static void publish(answer *a, const char *prefix, const char *id, const char *value) {
    char key[512];
    snprintf(key, sizeof key, "%s%s", prefix, id);
    java_properties_set(a->jni, key, value);
    answer_line(a, key, value);
}

/* DumpReply.write: into the file the CLI made (it must exist; no link followed), best effort. */
static void write_reply(const char *file, answer *a, JNIEnv *jni) {
    if (file[0] == '\0') return;
    text_buffer text = {0};
    text_buffer_append_string(&text, "crashcap-dump-reply\t1\n");
    const char *names[] = {ARMED_PROPERTY, NOT_ARMED_PROPERTY};
    for (size_t i = 0; i < 2; i++) {
        char *value = java_properties_get(jni, names[i]);
        if (value != NULL) {
            escape_into(&text, names[i]);
            text_buffer_append_string(&text, "\t");
            escape_into(&text, value);
            text_buffer_append_string(&text, "\n");
            free(value);
        }
    }
    const char *lines = text_buffer_text(&a->reply);
    if (lines != NULL) text_buffer_append_string(&text, lines);
    text_buffer_append_string(&text, "end\n");
    const char *bytes = text_buffer_text(&text);
    int fd = open(file, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0 && bytes != NULL) {
        size_t done = 0;
        while (done < text.len) {
            ssize_t n = write(fd, bytes + done, text.len - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            done += (size_t)n;
        }
    }
    if (fd >= 0) close(fd);
    text_buffer_free(&text);
}

/* Writes `text` as the bundle's locks.txt, 0600, created new (LocksFile.save0600). 0 or -1. */
static int write_new_file(const char *bundle, const char *text, size_t len) {
    char path[4200];
    if (snprintf(path, sizeof path, "%s/%s", bundle, LOCKS_FILE) >= (int)sizeof path) return -1;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += (size_t)n;
    }
    return close(fd) == 0 && done == len ? 0 : -1;
}

/* locks.txt (Dump.locks): the listing, or an `unavailable` line that says why. NULL, or why there are no locks. */
static const char *write_locks(JNIEnv *jni, const char *bundle, char *why, size_t why_size) {
    text_buffer locks = {0};
    const char *failure = java_locks_list(jni, &locks, why, why_size);
    if (failure == NULL) {
        const char *text = text_buffer_text(&locks);
        if (text != NULL && write_new_file(bundle, text, locks.len) == 0) {
            text_buffer_free(&locks);
            return NULL;
        }
        failure = "cannot write " LOCKS_FILE;
    }
    text_buffer_free(&locks);
    if (failure != why) snprintf(why, why_size, "%s", failure);
    text_buffer unavailable = {0};
    text_buffer_append_string(&unavailable, "crashcap-locks\t1\nunavailable\t");
    escape_into(&unavailable, why);
    text_buffer_append_string(&unavailable, "\nend\tcomplete\n");
    const char *text = text_buffer_text(&unavailable);
    if (text != NULL) write_new_file(bundle, text, unavailable.len);
    text_buffer_free(&unavailable);
    return why;
}

/* The dump itself, on an armed JVM (by this copy of the library): Dump.run. */
static void dump(JNIEnv *jni, dump_request *request, answer *a) {
    char folder[4096];
    char why[1024];
    const char *failure = NULL;
    if (request->folder[0] != '\0') {
        failure = private_folder_prepare(request->folder, why, sizeof why);
        snprintf(folder, sizeof folder, "%s", request->folder);
    } else {
        char *armed = java_properties_get(jni, ARMED_PROPERTY);
        const char *space = armed == NULL ? NULL : strchr(armed, ' ');
        if (space == NULL) failure = "the agent is not armed";
        else snprintf(folder, sizeof folder, "%s", space + 1);
        free(armed);
    }
    char bundle[4096];
    if (failure == NULL) failure = jni_bridge_snapshot(folder, bundle, sizeof bundle);
    if (failure != NULL) {
        publish(a, "crashcap.dumpError.", request->id, failure);
        return;
    }
    char locks_why[1200];
    const char *no_locks = write_locks(jni, bundle, locks_why, sizeof locks_why);
    publish(a, "crashcap.dump.", request->id, bundle);
    if (no_locks != NULL) publish(a, "crashcap.dumpWarning.", request->id, no_locks);
}

/* The path this library was loaded from. */
static const char *library_path(void) {
    Dl_info info;
    return dladdr((void *)library_path, &info) != 0 && info.dli_fname != NULL ? info.dli_fname : NULL;
}

/* `load <this library> true <argument>`. JNI_OK once arming was tried: HotSpot unloads an agent library whose
 * Agent_OnAttach fails, and the handlers live in it. */
EXPORT JNIEXPORT jint JNICALL Agent_OnAttach(JavaVM *vm, char *options, void *reserved) {
    JNIEnv *jni = NULL;
    if ((*vm)->GetEnv(vm, (void **)&jni, JNI_VERSION_1_8) != JNI_OK || jni == NULL) return JNI_ERR;
    dump_request request;
    if (parse_request(options, &request) != 0) {
        /* Only crashcap dump loads the library this way; anything else is not ours to arm. */
        fprintf(stderr, "crashcap: not armed: the library was loaded without a dump request\n");
        free_request(&request);
        return signal_handler_installed() ? JNI_OK : JNI_ERR;
    }
    answer a = {jni, {0}};
    char *armed = java_properties_get(jni, ARMED_PROPERTY);
    if (armed != NULL && !signal_handler_installed()) {
        /* Armed by another copy of the library (a Java agent's, or an -agentpath) since the CLI looked: its dump is
         * the Java agent's. */
        publish(&a, "crashcap.dumpFallback.", request.id, "armed by another crashcap library");
    } else {
        if (armed == NULL) {
            /* As agentpath.c: a Java agent loaded into this JVM later (the next dump, an attach) binds its native
             * methods to this copy instead of loading a second one with handlers of its own (NativeLibrary). */
            const char *library = library_path();
            if (library != NULL) java_properties_set(jni, LIBRARY_PROPERTY, library);
            existing_altstacks_defer_to_snapshot(); /* the snapshot gives them (existing_altstacks.h) */
            text_buffer say = {0};
            const char *argument = text_buffer_text(&request.options);
            agent_arming_result result = agent_arming_arm(jni, NULL, "attach", argument != NULL && argument[0] ? argument : NULL,
                                                          request.folder, NULL, &say);
            const char *said = text_buffer_text(&say);
            if (said != NULL) fputs(said, stderr); /* as agentmain prints them, on the target's stderr */
            text_buffer_free(&say);
            if (result == AGENT_ARMED) publish(&a, "crashcap.dumpArmed.", request.id, "true");
        }
        if (signal_handler_installed()) dump(jni, &request, &a);
    }
    /* Unloaded only if nothing was tried here: an arming that failed half-way may have left a hook pointing into
     * this library. */
    int keep = armed == NULL || signal_handler_installed();
    free(armed);
    write_reply(request.reply, &a, jni);
    text_buffer_free(&a.reply);
    free_request(&request);
    return keep ? JNI_OK : JNI_ERR;
}
