/* The agent's configuration under -agentpath, with the precedence of dev.crashcap.agent.AgentOptions:
 * the agent argument, then the system property (-Dcrashcap.<name>), then the environment
 * (CRASHCAP_<NAME>), then the default. The option names are defined once, in CRASHCAP_OPTIONS
 * (agent_options.c); AgentOptionsTableTest fails if they differ from the Java agent's. */
#ifndef CRASHCAP_AGENT_OPTIONS_H
#define CRASHCAP_AGENT_OPTIONS_H

#include <stddef.h>

#define AGENT_OPTIONS_MAX 16
#define AGENT_WARNINGS_MAX 32

typedef struct {
    char *values[AGENT_OPTIONS_MAX]; /* by index in CRASHCAP_OPTIONS; NULL when unset */
    const char *sources[AGENT_OPTIONS_MAX]; /* "argument", "property" or "environment" (crashcap status) */
    char *raw;                       /* the argument as given after '=', trimmed */
    char *warnings[AGENT_WARNINGS_MAX];
    size_t warning_count;
} agent_options;

/* A lookup of a system property or environment variable by name: a malloc'ed value, or NULL. */
typedef char *(*agent_options_lookup)(void *context, const char *name);

/* Fills options; returns 0, or -1 if memory ran out. */
int agent_options_parse(agent_options *options, const char *argument, agent_options_lookup property,
                        agent_options_lookup environment, void *context);

/* An option's value after precedence, or NULL. */
const char *agent_options_value(const agent_options *options, const char *name);

/* Whether a count option's value (max-bundles, max-mb) is a whole number of 0 or more. */
int agent_options_is_count(const char *value);

/* A count option's value if it is valid, else NULL: max-bundles, max-mb, stack-memory a whole number of 0 or more,
 * crash-loop-limit one of 1 or more (AgentOptions.count). Untrimmed, as given. */
const char *agent_options_count(const agent_options *options, const char *name);

/* A flag option (verbose, sentry-minidump) is on: true, 1 or yes, in any case (AgentOptions.flag). */
int agent_options_flag(const agent_options *options, const char *name);

/* These options with `dir` above every other setting, as if the argument began with dir=<folder>
 * (AgentOptions.withDir: `crashcap dump --out` arming a JVM). Returns 0, or -1 if memory ran out. */
int agent_options_with_dir(agent_options *options, const char *folder);

/* verbose: the agent says on stderr, once, that it armed and where bundles go. */
int agent_options_verbose(const agent_options *options);

/* stack-memory: KiB of stack each thread keeps at a capture (AgentOptions.stackMemoryKib: default 32, at
 * most 16384; the crashing thread keeps AGENT_CRASHING_STACK_FACTOR times as much). */
#define AGENT_STACK_MEMORY_DEFAULT_KIB 32
#define AGENT_STACK_MEMORY_MAX_KIB (16 * 1024)
#define AGENT_CRASHING_STACK_FACTOR 8
long agent_options_stack_memory_kib(const agent_options *options);

void agent_options_free(agent_options *options);

#endif
