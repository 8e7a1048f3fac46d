/* The -agentpath option parser (arming/agent_options.c) and the bundle folder's path (private_folder.c): the
 * precedence of AgentOptions, its warnings word for word, and Path.resolve(...).normalize(). AgentpathIT runs the
 * same on real JVMs against -javaagent; these are the corners cheaper to reach here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_options.h"
#include "check.h"
#include "private_folder.h"

/* name=value pairs, NULL-terminated: a fake set of system properties or environment variables. */
typedef struct {
    const char *const *properties;
    const char *const *environment;
} fake;

static char *find(const char *const *pairs, const char *name) {
    for (size_t i = 0; pairs[i] != NULL; i += 2) {
        if (strcmp(pairs[i], name) == 0) return strdup(pairs[i + 1]);
    }
    return NULL;
}

static char *property(void *context, const char *name) {
    return find(((fake *)context)->properties, name);
}

static char *environment(void *context, const char *name) {
    return find(((fake *)context)->environment, name);
}

static const char *value_or_none(const agent_options *options, const char *name) {
    const char *value = agent_options_value(options, name);
    return value == NULL ? "(none)" : value;
}

static const char *count_or_none(const agent_options *options, const char *name) {
    const char *value = agent_options_count(options, name);
    return value == NULL ? "(none)" : value;
}

static void precedence(void) {
    const char *const properties[] = {"crashcap.release", "from-property", "crashcap.environment", "from-property",
                                      "crashcap.url", "", NULL};
    const char *const variables[] = {"CRASHCAP_ENVIRONMENT", "from-environment", "CRASHCAP_IN_APP", "a.b",
                                     "SENTRY_RELEASE", "from-sentry", "SENTRY_ENVIRONMENT", "sentry-env",
                                     "CRASHCAP_URL", "https://c/x", "CRASHCAP_MAX_BUNDLES", "", NULL};
    fake context = {properties, variables};
    agent_options options;
    CHECK(agent_options_parse(&options, "  release=from-argument , max-mb= 12 ", property, environment, &context) == 0);
    CHECK_TEXT(options.raw, "release=from-argument , max-mb= 12");
    CHECK_TEXT(value_or_none(&options, "release"), "from-argument");  /* argument over property over Sentry */
    CHECK_TEXT(value_or_none(&options, "environment"), "from-property"); /* property over environment */
    CHECK_TEXT(value_or_none(&options, "in-app"), "a.b");               /* environment over default */
    CHECK_TEXT(value_or_none(&options, "url"), "https://c/x");          /* an empty property is no property */
    CHECK_TEXT(value_or_none(&options, "max-mb"), "12");
    CHECK_TEXT(value_or_none(&options, "max-bundles"), "(none)");       /* an empty variable is none */
    CHECK_TEXT(value_or_none(&options, "dir"), "(none)");
    CHECK(options.warning_count == 0);
    agent_options_free(&options);

    const char *const nothing[] = {NULL};
    fake sentry = {nothing, variables + 4}; /* SENTRY_* and what follows */
    CHECK(agent_options_parse(&options, NULL, property, environment, &sentry) == 0);
    CHECK_TEXT(value_or_none(&options, "release"), "from-sentry");
    CHECK_TEXT(value_or_none(&options, "environment"), "sentry-env");
    CHECK_TEXT(options.raw, "");
    agent_options_free(&options);
}

static void warnings(void) {
    const char *const nothing[] = {NULL};
    fake context = {nothing, nothing};
    agent_options options;
    CHECK(agent_options_parse(&options, "bogus=1,dir=,max-bundles=-1,token=a,b=c", property, environment, &context) == 0);
    CHECK(options.warning_count == 3);
    if (options.warning_count == 3) {
        CHECK_TEXT(options.warnings[0], "unknown agent option 'bogus' ignored (known: dir, url, token, sentry-dsn, "
                                        "max-bundles, max-mb, crash-loop-limit, release, environment, in-app, verbose, stack-memory, "
                                        "sentry-minidump)");
        CHECK_TEXT(options.warnings[1], "agent option 'dir' has no value; ignored");
        CHECK_TEXT(options.warnings[2], "agent option 'max-bundles=-1' is not a whole number of 0 or more; the default"
                                        " is used");
    }
    CHECK_TEXT(value_or_none(&options, "token"), "a,b=c"); /* a comma inside a secret does not split it */
    CHECK(!agent_options_is_count("1234567890") && agent_options_is_count(" 0 ") && !agent_options_is_count(""));
    agent_options_free(&options);
}

static void flags(void) {
    const char *const bare[] = {"crashcap.verbose", "", NULL};
    const char *const nothing[] = {NULL};
    fake context = {bare, nothing};
    agent_options options;
    CHECK(agent_options_parse(&options, NULL, property, environment, &context) == 0);
    CHECK(agent_options_verbose(&options)); /* a bare -Dcrashcap.verbose is on */
    CHECK_TEXT(options.sources[10], "property");
    agent_options_free(&options);
    fake none = {nothing, nothing};
    CHECK(agent_options_parse(&options, "verbose=maybe", property, environment, &none) == 0);
    CHECK(!agent_options_verbose(&options));
    CHECK(options.warning_count == 1);
    if (options.warning_count == 1) {
        CHECK_TEXT(options.warnings[0], "agent option 'verbose=maybe' is not true or false; false is used");
    }
    agent_options_free(&options);
    CHECK(agent_options_parse(&options, "verbose= YES ", property, environment, &none) == 0);
    CHECK(agent_options_verbose(&options) && options.warning_count == 0);
    CHECK_TEXT(options.sources[10], "argument");
    agent_options_free(&options);
}

/* stack-memory (AgentOptions.stackMemoryKib was the Java reference): 32 KiB by default, the precedence of every
 * option, 0 turns it off, at most 16 MiB, and a value that is no count is said and the default used. */
static void stack_memory(void) {
    const char *const nothing[] = {NULL};
    const char *const properties[] = {"crashcap.stack-memory", "64", NULL};
    const char *const variables[] = {"CRASHCAP_STACK_MEMORY", "8", NULL};
    fake none = {nothing, nothing}, both = {properties, variables}, only_environment = {nothing, variables};
    agent_options options;
    CHECK(agent_options_parse(&options, "", property, environment, &none) == 0);
    CHECK(agent_options_stack_memory_kib(&options) == 32);
    agent_options_free(&options);
    CHECK(agent_options_parse(&options, "", property, environment, &both) == 0);
    CHECK(agent_options_stack_memory_kib(&options) == 64);
    agent_options_free(&options);
    CHECK(agent_options_parse(&options, "", property, environment, &only_environment) == 0);
    CHECK(agent_options_stack_memory_kib(&options) == 8);
    agent_options_free(&options);
    CHECK(agent_options_parse(&options, "stack-memory=0", property, environment, &both) == 0);
    CHECK(agent_options_stack_memory_kib(&options) == 0);
    agent_options_free(&options);
    CHECK(agent_options_parse(&options, "stack-memory=999999", property, environment, &none) == 0);
    CHECK(agent_options_stack_memory_kib(&options) == AGENT_STACK_MEMORY_MAX_KIB);
    agent_options_free(&options);
    CHECK(agent_options_parse(&options, "stack-memory=-5", property, environment, &none) == 0);
    CHECK(agent_options_stack_memory_kib(&options) == 32);
    CHECK(options.warning_count == 1);
    if (options.warning_count == 1) {
        CHECK_TEXT(options.warnings[0], "agent option 'stack-memory=-5' is not a whole number of 0 or more; the default"
                                        " is used");
    }
    agent_options_free(&options);
}

/* crash-loop-limit: the precedence of every option; the value the upload thread gets (agent_options_count) is a
 * whole number of 1 or more, as crashcap upload --crash-loop-limit takes it; anything else, 0 too, is said once and
 * the default used (NULL: the thread then sends Shipping.LOOP_LIMIT per hour). */
static void crash_loop_limit(void) {
    const char *const nothing[] = {NULL};
    const char *const properties[] = {"crashcap.crash-loop-limit", "3", NULL};
    const char *const variables[] = {"CRASHCAP_CRASH_LOOP_LIMIT", "7", NULL};
    fake none = {nothing, nothing}, both = {properties, variables}, only_environment = {nothing, variables};
    agent_options options;
    CHECK(agent_options_parse(&options, "", property, environment, &none) == 0);
    CHECK(agent_options_count(&options, "crash-loop-limit") == NULL && options.warning_count == 0);
    agent_options_free(&options);
    CHECK(agent_options_parse(&options, "", property, environment, &only_environment) == 0);
    CHECK_TEXT(count_or_none(&options, "crash-loop-limit"), "7");
    CHECK_TEXT(options.sources[6], "environment");
    agent_options_free(&options);
    CHECK(agent_options_parse(&options, "", property, environment, &both) == 0);
    CHECK_TEXT(count_or_none(&options, "crash-loop-limit"), "3");
    CHECK_TEXT(options.sources[6], "property");
    agent_options_free(&options);
    CHECK(agent_options_parse(&options, "crash-loop-limit= 1 ", property, environment, &both) == 0);
    CHECK_TEXT(count_or_none(&options, "crash-loop-limit"), "1");
    CHECK_TEXT(options.sources[6], "argument");
    CHECK(options.warning_count == 0);
    agent_options_free(&options);
    static const char *const bad[] = {"0", "-1", "many", "1234567890"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char argument[64], warning[160];
        snprintf(argument, sizeof argument, "crash-loop-limit=%s", bad[i]);
        snprintf(warning, sizeof warning,
                 "agent option 'crash-loop-limit=%s' is not a whole number of 1 or more; the default is used", bad[i]);
        CHECK(agent_options_parse(&options, argument, property, environment, &both) == 0);
        CHECK(agent_options_count(&options, "crash-loop-limit") == NULL); /* not the property's 3 either */
        CHECK(options.warning_count == 1);
        if (options.warning_count == 1) CHECK_TEXT(options.warnings[0], warning);
        agent_options_free(&options);
    }
    /* max-bundles stays a count of 0 or more */
    CHECK(agent_options_parse(&options, "max-bundles=0", property, environment, &none) == 0);
    CHECK_TEXT(count_or_none(&options, "max-bundles"), "0");
    agent_options_free(&options);
}

/* sentry-minidump, a flag like verbose: on only when said. */
static void sentry_minidump(void) {
    const char *const nothing[] = {NULL};
    const char *const variables[] = {"CRASHCAP_SENTRY_MINIDUMP", "true", NULL};
    fake none = {nothing, nothing}, set = {nothing, variables};
    agent_options options;
    CHECK(agent_options_parse(&options, "", property, environment, &none) == 0);
    CHECK(!agent_options_flag(&options, "sentry-minidump"));
    agent_options_free(&options);
    CHECK(agent_options_parse(&options, "", property, environment, &set) == 0);
    CHECK(agent_options_flag(&options, "sentry-minidump"));
    agent_options_free(&options);
    CHECK(agent_options_parse(&options, "sentry-minidump=yes", property, environment, &none) == 0);
    CHECK(agent_options_flag(&options, "sentry-minidump"));
    agent_options_free(&options);
    CHECK(agent_options_parse(&options, "sentry-minidump=sure", property, environment, &none) == 0);
    CHECK(!agent_options_flag(&options, "sentry-minidump") && options.warning_count == 1);
    agent_options_free(&options);
}

/* A dump request's folder (AgentOptions.withDir): above every other setting, shown as the first item of the
 * argument, its source "argument"; the warnings of the parse stay. */
static void with_dir(void) {
    const char *const properties[] = {"crashcap.dir", "/from/property", NULL};
    const char *const nothing[] = {NULL};
    fake context = {properties, nothing};
    agent_options options;
    CHECK(agent_options_parse(&options, "dir=/from/argument,bogus=1", property, environment, &context) == 0);
    CHECK(agent_options_with_dir(&options, "/from/dump") == 0);
    CHECK_TEXT(value_or_none(&options, "dir"), "/from/dump");
    CHECK_TEXT(options.sources[0], "argument");
    CHECK_TEXT(options.raw, "dir=/from/dump,dir=/from/argument,bogus=1");
    CHECK(options.warning_count == 1);
    agent_options_free(&options);
    CHECK(agent_options_parse(&options, NULL, property, environment, &context) == 0);
    CHECK(agent_options_with_dir(&options, "/from/dump") == 0);
    CHECK_TEXT(options.raw, "dir=/from/dump");
    agent_options_free(&options);
}

static void folder(void) {
    char out[256];
    CHECK(private_folder_resolve("/work/app", "crashcap", out, sizeof out) == 0);
    CHECK_TEXT(out, "/work/app/crashcap");
    CHECK(private_folder_resolve("/work/app", "../b/./c//", out, sizeof out) == 0);
    CHECK_TEXT(out, "/work/b/c");
    CHECK(private_folder_resolve("/work/app", "/var/crash/", out, sizeof out) == 0);
    CHECK_TEXT(out, "/var/crash");
    CHECK(private_folder_resolve("/", "../../x", out, sizeof out) == 0);
    CHECK_TEXT(out, "/x");
    CHECK(private_folder_resolve("/a", "..", out, sizeof out) == 0);
    CHECK_TEXT(out, "/");
    CHECK(private_folder_resolve("/work", "a-long-name", out, 8) == -1);
}

int main(void) {
    precedence();
    warnings();
    flags();
    stack_memory();
    crash_loop_limit();
    sentry_minidump();
    with_dir();
    folder();
    return check_report("agent_options_test");
}
