/* Port of dev.crashcap.agent.AgentOptions.parse: see agent_options.h. The warnings are the Java
 * agent's, word for word. */
#include "agent_options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "option_items.h"

/* crashcap's agent option names, in the order the README lists them. The Java agent's list is
 * dev.crashcap.secrets.OptionItems.CRASHCAP_OPTIONS; AgentOptionsTableTest compares the two. */
const char *const CRASHCAP_OPTIONS[] = {"dir", "url", "token", "sentry-dsn", "max-bundles", "max-mb",
                                        "crash-loop-limit", "release", "environment", "in-app", "verbose",
                                        "stack-memory", "sentry-minidump"};
const size_t CRASHCAP_OPTIONS_COUNT = sizeof CRASHCAP_OPTIONS / sizeof *CRASHCAP_OPTIONS;

/* The options that are counts: the disk cap (AgentOptions.COUNTS). */
static const char *const COUNTS[] = {"max-bundles", "max-mb", "stack-memory"};

/* The options that are counts of 1 or more: the crash-loop limit (AgentOptions.LIMITS). */
static const char *const LIMITS[] = {"crash-loop-limit"};

/* Options that are on or off (AgentOptions.FLAGS): a bare -Dcrashcap.<flag> is on. */
static const char *const FLAGS[] = {"verbose", "sentry-minidump"};

/* Options that take, when nothing of crashcap's sets them, the variable Sentry's SDKs read
 * (AgentOptions.SENTRY_DEFAULTS). */
static const char *const SENTRY_DEFAULTS[][2] = {{"release", "SENTRY_RELEASE"}, {"environment", "SENTRY_ENVIRONMENT"}};

static int index_of_option(const char *name, size_t len) {
    for (size_t i = 0; i < CRASHCAP_OPTIONS_COUNT; i++) {
        if (strlen(CRASHCAP_OPTIONS[i]) == len && memcmp(CRASHCAP_OPTIONS[i], name, len) == 0) return (int)i;
    }
    return -1;
}

static void trim(const char **text, size_t *len) {
    while (*len > 0 && (unsigned char)(*text)[0] <= ' ') {
        (*text)++;
        (*len)--;
    }
    while (*len > 0 && (unsigned char)(*text)[*len - 1] <= ' ') (*len)--;
}

static void set(agent_options *options, size_t index, char *value, const char *source) {
    free(options->values[index]);
    options->values[index] = value;
    options->sources[index] = source;
}

static int is_flag(const char *name) {
    for (size_t i = 0; i < sizeof FLAGS / sizeof *FLAGS; i++) {
        if (strcmp(FLAGS[i], name) == 0) return 1;
    }
    return 0;
}

/* AgentOptions.flag: true, 1 and yes are on; false, 0 and no are off (any case); anything else is -1. */
static int flag(const char *value) {
    const char *text = value;
    size_t len = strlen(value);
    trim(&text, &len);
    static const char *const on[] = {"true", "1", "yes"}, *const off[] = {"false", "0", "no"};
    for (size_t i = 0; i < 3; i++) {
        if (strlen(on[i]) == len && strncasecmp(text, on[i], len) == 0) return 1;
        if (strlen(off[i]) == len && strncasecmp(text, off[i], len) == 0) return 0;
    }
    return -1;
}

int agent_options_flag(const agent_options *options, const char *name) {
    const char *value = agent_options_value(options, name);
    return value != NULL && flag(value) == 1;
}

int agent_options_verbose(const agent_options *options) {
    return agent_options_flag(options, "verbose");
}

long agent_options_stack_memory_kib(const agent_options *options) {
    const char *value = agent_options_value(options, "stack-memory");
    if (value == NULL || !agent_options_is_count(value)) return AGENT_STACK_MEMORY_DEFAULT_KIB;
    long kib = strtol(value, NULL, 10); /* at most 9 digits: agent_options_is_count */
    return kib > AGENT_STACK_MEMORY_MAX_KIB ? AGENT_STACK_MEMORY_MAX_KIB : kib;
}

static int warn(agent_options *options, char *warning) {
    if (warning == NULL) return -1;
    if (options->warning_count < AGENT_WARNINGS_MAX) {
        options->warnings[options->warning_count++] = warning;
    } else {
        free(warning);
    }
    return 0;
}

static char *format(const char *pattern, const char *a, const char *b) {
    size_t size = strlen(pattern) + strlen(a) + (b == NULL ? 0 : strlen(b)) + 1;
    char *text = malloc(size);
    if (text != NULL) snprintf(text, size, pattern, a, b);
    return text;
}

/* crashcap.max-mb, CRASHCAP_MAX_MB */
static void property_name(char *out, size_t size, const char *name) {
    snprintf(out, size, "crashcap.%s", name);
}

static void environment_name(char *out, size_t size, const char *name) {
    snprintf(out, size, "CRASHCAP_%s", name);
    for (char *p = out; *p; p++) {
        if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
        if (*p == '-') *p = '_';
    }
}

/* Unset or empty counts as not given, as in Java. */
static char *non_empty(char *value) {
    if (value != NULL && value[0] == '\0') {
        free(value);
        return NULL;
    }
    return value;
}

int agent_options_is_count(const char *value) {
    const char *text = value;
    size_t len = strlen(value);
    trim(&text, &len);
    if (len < 1 || len > 9) return 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9') return 0;
    }
    return 1;
}

static int is_limit_name(const char *name) {
    for (size_t i = 0; i < sizeof LIMITS / sizeof *LIMITS; i++) {
        if (strcmp(LIMITS[i], name) == 0) return 1;
    }
    return 0;
}

/* A count of 1 or more (AgentOptions.isLimit): 0 would send nothing, as crashcap upload refuses it. */
static int is_limit(const char *value) {
    return agent_options_is_count(value) && strtol(value, NULL, 10) >= 1; /* at most 9 digits */
}

const char *agent_options_count(const agent_options *options, const char *name) {
    const char *value = agent_options_value(options, name);
    if (value == NULL) return NULL;
    return (is_limit_name(name) ? is_limit(value) : agent_options_is_count(value)) ? value : NULL;
}

int agent_options_parse(agent_options *options, const char *argument, agent_options_lookup property,
                        agent_options_lookup environment, void *context) {
    memset(options, 0, sizeof *options);
    const char *raw = argument == NULL ? "" : argument;
    size_t raw_len = strlen(raw);
    trim(&raw, &raw_len);
    options->raw = strndup(raw, raw_len);
    if (options->raw == NULL) return -1;

    for (size_t i = 0; i < CRASHCAP_OPTIONS_COUNT; i++) {
        const char *name = CRASHCAP_OPTIONS[i];
        char key[64];
        for (size_t s = 0; s < sizeof SENTRY_DEFAULTS / sizeof *SENTRY_DEFAULTS; s++) {
            if (strcmp(SENTRY_DEFAULTS[s][0], name) == 0) {
                char *from_sentry = non_empty(environment(context, SENTRY_DEFAULTS[s][1]));
                if (from_sentry != NULL) set(options, i, from_sentry, "environment");
            }
        }
        property_name(key, sizeof key, name);
        char *from_property = property(context, key);
        if (from_property != NULL && from_property[0] == '\0' && is_flag(name)) { /* a bare -Dcrashcap.verbose */
            free(from_property);
            from_property = strdup("true");
        }
        from_property = non_empty(from_property);
        environment_name(key, sizeof key, name);
        char *from_environment = non_empty(environment(context, key));
        if (from_environment != NULL) set(options, i, from_environment, "environment");
        if (from_property != NULL) set(options, i, from_property, "property");
    }

    size_t count = option_items_split(options->raw, NULL, 0);
    option_item *items = calloc(count == 0 ? 1 : count, sizeof *items);
    if (items == NULL) return -1;
    option_items_split(options->raw, items, count);
    char known[256] = "";
    for (size_t i = 0; i < CRASHCAP_OPTIONS_COUNT; i++) {
        if (i > 0) strncat(known, ", ", sizeof known - strlen(known) - 1);
        strncat(known, CRASHCAP_OPTIONS[i], sizeof known - strlen(known) - 1);
    }
    int result = 0;
    for (size_t k = 0; k < count && result == 0; k++) {
        const char *item = options->raw + items[k].start;
        size_t item_len = items[k].len;
        const char *equals = memchr(item, '=', item_len);
        const char *name = item;
        size_t name_len = equals == NULL ? item_len : (size_t)(equals - item);
        trim(&name, &name_len);
        const char *value = equals == NULL ? "" : equals + 1;
        size_t value_len = equals == NULL ? 0 : item_len - (size_t)(equals - item) - 1;
        trim(&value, &value_len);
        int index = index_of_option(name, name_len);
        char *name_copy = strndup(name, name_len);
        if (name_copy == NULL) {
            result = -1;
        } else if (index < 0) {
            result = warn(options, format("unknown agent option '%s' ignored (known: %s)", name_copy, known));
        } else if (value_len == 0) {
            result = warn(options, format("agent option '%s' has no value; ignored", name_copy, NULL));
        } else {
            char *copy = strndup(value, value_len);
            if (copy == NULL) result = -1;
            else set(options, (size_t)index, copy, "argument");
        }
        free(name_copy);
    }
    free(items);
    for (size_t f = 0; f < sizeof FLAGS / sizeof *FLAGS && result == 0; f++) {
        const char *value = agent_options_value(options, FLAGS[f]);
        if (value != NULL && flag(value) < 0) {
            char *item = format("%s=%s", FLAGS[f], value);
            if (item == NULL) return -1;
            result = warn(options, format("agent option '%s' is not true or false; false is used", item, NULL));
            free(item);
        }
    }
    for (size_t c = 0; c < sizeof COUNTS / sizeof *COUNTS && result == 0; c++) {
        const char *value = agent_options_value(options, COUNTS[c]);
        if (value != NULL && !agent_options_is_count(value)) {
            /* Said at arming, in one line; the upload thread then uses the default, and never a negative
             * cap, which would read as "keep nothing" and delete every unsent bundle. */
            char *item = format("%s=%s", COUNTS[c], value);
            if (item == NULL) return -1;
            result = warn(options, format("agent option '%s' is not a whole number of 0 or more; the default is used",
                                          item, NULL));
            free(item);
        }
    }
    for (size_t l = 0; l < sizeof LIMITS / sizeof *LIMITS && result == 0; l++) {
        const char *value = agent_options_value(options, LIMITS[l]);
        if (value != NULL && !is_limit(value)) {
            /* As for the counts; 0 too, which would send nothing (crashcap upload refuses it: 1 or more). */
            char *item = format("%s=%s", LIMITS[l], value);
            if (item == NULL) return -1;
            result = warn(options, format("agent option '%s' is not a whole number of 1 or more; the default is used",
                                          item, NULL));
            free(item);
        }
    }
    return result;
}

const char *agent_options_value(const agent_options *options, const char *name) {
    int index = index_of_option(name, strlen(name));
    return index < 0 ? NULL : options->values[index];
}

int agent_options_with_dir(agent_options *options, const char *folder) {
    int index = index_of_option("dir", 3);
    char *value = strdup(folder);
    size_t size = strlen(folder) + strlen(options->raw) + 6;
    char *raw = malloc(size);
    if (value == NULL || raw == NULL) {
        free(value);
        free(raw);
        return -1;
    }
    snprintf(raw, size, options->raw[0] == '\0' ? "dir=%s" : "dir=%s,%s", folder, options->raw);
    set(options, (size_t)index, value, "argument");
    free(options->raw);
    options->raw = raw;
    return 0;
}

void agent_options_free(agent_options *options) {
    for (size_t i = 0; i < AGENT_OPTIONS_MAX; i++) free(options->values[i]);
    for (size_t i = 0; i < options->warning_count; i++) free(options->warnings[i]);
    free(options->raw);
    memset(options, 0, sizeof *options);
}
