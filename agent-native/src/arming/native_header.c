#include "native_header.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "option_items.h"
#include "proc.h"
#include "redaction.h"

#ifndef CRASHCAP_VERSION
#define CRASHCAP_VERSION "dev"
#endif

extern char **environ;

/* One record: key, then each value after a tab, with backslash, tab and newline escaped. */
static void record_start(text_buffer *out, const char *key) {
    text_buffer_append_string(out, key);
}

static void record_value(text_buffer *out, const char *value) {
    text_buffer_append_string(out, "\t");
    for (const char *p = value; *p; p++) {
        if (*p == '\\') text_buffer_append_string(out, "\\\\");
        else if (*p == '\t') text_buffer_append_string(out, "\\t");
        else if (*p == '\n') text_buffer_append_string(out, "\\n");
        else text_buffer_append(out, p, 1);
    }
}

static void record(text_buffer *out, const char *key, const char *value) {
    record_start(out, key);
    record_value(out, value);
    text_buffer_append_string(out, "\n");
}

static void record_if_set(text_buffer *out, const char *key, const char *value) {
    if (value != NULL && value[0] != '\0') record(out, key, value);
}

static void record_property(text_buffer *out, const char *key, const char *property_name,
                            native_header_property property, void *context) {
    char *value = property(context, property_name);
    record(out, key, value == NULL ? "" : value);
    free(value);
}

/* Java's String.strip() for what /proc and os-release hold: ASCII white space. */
static char *strip(char *text) {
    while (*text == ' ' || (*text >= '\t' && *text <= '\r')) text++;
    size_t len = strlen(text);
    while (len > 0 && (text[len - 1] == ' ' || (text[len - 1] >= '\t' && text[len - 1] <= '\r'))) text[--len] = '\0';
    return text;
}

/* HostFacts.hostName: the kernel's nodename, else HOSTNAME. */
static void host_name(char *out, size_t size) {
    char buffer[256];
    out[0] = '\0';
    ssize_t n = proc_read_file("/proc/sys/kernel/hostname", buffer, sizeof buffer);
    if (n > 0) snprintf(out, size, "%s", strip(buffer));
    if (out[0] == '\0' && getenv("HOSTNAME") != NULL) snprintf(out, size, "%s", getenv("HOSTNAME"));
}

/* HostFacts.unquote */
static void unquote(const char *value, char *out, size_t size) {
    char copy[256];
    snprintf(copy, sizeof copy, "%s", value);
    char *v = copy;
    /* String.trim */
    while (*v != '\0' && (unsigned char)*v <= ' ') v++;
    size_t len = strlen(v);
    while (len > 0 && (unsigned char)v[len - 1] <= ' ') v[--len] = '\0';
    if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0]) {
        v[len - 1] = '\0';
        v++;
    }
    snprintf(out, size, "%s", v);
}

/* HostFacts.osRelease: NAME and VERSION_ID of the first os-release file there is. */
static void os_release(char *name, char *version, size_t size) {
    static const char *const files[] = {"/etc/os-release", "/usr/lib/os-release"};
    name[0] = version[0] = '\0';
    for (size_t f = 0; f < 2; f++) {
        FILE *file = fopen(files[f], "r");
        if (file == NULL) continue;
        char line[512];
        while (fgets(line, sizeof line, file) != NULL) {
            line[strcspn(line, "\r\n")] = '\0';
            if (strncmp(line, "NAME=", 5) == 0) unquote(line + 5, name, size);
            if (strncmp(line, "VERSION_ID=", 11) == 0) unquote(line + 11, version, size);
        }
        fclose(file);
        return;
    }
}

static void arguments(text_buffer *out) {
    char *cmdline = NULL;
    size_t len = 0;
    FILE *file = fopen("/proc/self/cmdline", "r");
    if (file == NULL) return; /* without /proc there is no command line to record */
    char chunk[4096];
    size_t n;
    text_buffer all = {0};
    while ((n = fread(chunk, 1, sizeof chunk, file)) > 0) text_buffer_append(&all, chunk, n);
    fclose(file);
    cmdline = all.data;
    len = all.len;
    size_t count = 0;
    for (size_t i = 0; i < len; i++) count += cmdline[i] == '\0';
    const char **args = calloc(count + 1, sizeof *args);
    char **redacted = calloc(count + 1, sizeof *redacted);
    if (args != NULL && redacted != NULL && !all.failed) {
        size_t k = 0;
        for (size_t start = 0, i = 0; i < len; i++) {
            if (cmdline[i] == '\0') {
                args[k++] = cmdline + start;
                start = i + 1;
            }
        }
        redaction_arguments(args, count, redacted);
        for (size_t i = 0; i < count; i++) record(out, "arg", redacted[i] != NULL ? redacted[i] : REDACTED);
    }
    for (size_t i = 0; redacted != NULL && i < count; i++) free(redacted[i]);
    free(redacted);
    free(args);
    text_buffer_free(&all);
}

typedef struct {
    const char *entry;
    size_t name_len;
    size_t order;
} env_entry;

static int by_name(const void *a, const void *b) {
    const env_entry *x = a, *y = b;
    size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
    int c = memcmp(x->entry, y->entry, n);
    if (c != 0) return c;
    if (x->name_len != y->name_len) return x->name_len < y->name_len ? -1 : 1;
    return x->order < y->order ? -1 : 1;
}

/* Every variable, sorted by name (System.getenv in a TreeMap), its value redacted. A name set twice is
 * written once, with the first value, as Java's ProcessEnvironment keeps it. */
static void environment(text_buffer *out) {
    size_t count = 0;
    while (environ[count] != NULL) count++;
    env_entry *entries = calloc(count + 1, sizeof *entries);
    if (entries == NULL) return;
    size_t used = 0;
    for (size_t i = 0; i < count; i++) {
        const char *equals = strchr(environ[i], '=');
        if (equals == NULL) continue;
        entries[used++] = (env_entry){environ[i], (size_t)(equals - environ[i]), i};
    }
    qsort(entries, used, sizeof *entries, by_name);
    for (size_t i = 0; i < used; i++) {
        if (i > 0 && entries[i].name_len == entries[i - 1].name_len &&
            memcmp(entries[i].entry, entries[i - 1].entry, entries[i].name_len) == 0) {
            continue;
        }
        char *name = strndup(entries[i].entry, entries[i].name_len);
        if (name == NULL) continue;
        text_buffer value = {0};
        redaction_environment_value(&value, name, entries[i].entry + entries[i].name_len + 1);
        const char *text = text_buffer_text(&value);
        record_start(out, "env");
        record_value(out, name);
        record_value(out, text != NULL ? text : REDACTED);
        text_buffer_append_string(out, "\n");
        text_buffer_free(&value);
        free(name);
    }
    free(entries);
}

void native_header_render(text_buffer *out, const agent_options *options, const char *bundle_folder,
                          int64_t process_start_epoch_ms, native_header_property property, void *context) {
    char text[512];
    char other[512];
    text_buffer redacted_options = {0};
    option_items_redact(&redacted_options, options->raw);
    const char *agent_options = text_buffer_text(&redacted_options);

    record(out, "section", "header");
    record(out, "agent.version", CRASHCAP_VERSION);
    record(out, "agent.options", agent_options != NULL ? agent_options : REDACTED);
    record(out, "agent.bundleFolder", bundle_folder);
    record_property(out, "jvm.name", "java.vm.name", property, context);
    record_property(out, "jvm.version", "java.vm.version", property, context);
    record_property(out, "jvm.vendor", "java.vm.vendor", property, context);
    char *info = property(context, "java.vm.info"); /* "mixed mode, sharing": HotSpot's own words */
    record_if_set(out, "jvm.info", info);
    free(info);
    record_property(out, "java.version", "java.version", property, context);
    record_property(out, "java.home", "java.home", property, context);
    record_property(out, "os.name", "os.name", property, context);
    record_property(out, "os.arch", "os.arch", property, context);
    record_property(out, "os.version", "os.version", property, context); /* the kernel release, as uname -r says it */
    os_release(text, other, sizeof text);
    record_if_set(out, "os.distribution.name", text);
    record_if_set(out, "os.distribution.version", other);
    host_name(text, sizeof text);
    record_if_set(out, "host.name", text);
    record_if_set(out, "app.release", agent_options_value(options, "release"));
    record_if_set(out, "app.environment", agent_options_value(options, "environment"));
    record_if_set(out, "app.inApp", agent_options_value(options, "in-app"));
    snprintf(text, sizeof text, "%ld", (long)getpid());
    record(out, "process.pid", text);
    snprintf(text, sizeof text, "%lld", (long long)process_start_epoch_ms);
    record(out, "process.startEpochMillis", text);
    record_property(out, "process.cwd", "user.dir", property, context);
    arguments(out);
    environment(out);
    text_buffer_free(&redacted_options);
}
