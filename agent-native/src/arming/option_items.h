/* Agent options written name=value,name=value, split so that a comma inside a value cannot cut a secret
 * in two: a port of dev.crashcap.secrets.OptionItems (the rule is explained there), held to it by
 * agent-native/test/redaction_cases.txt, which both test suites run. */
#ifndef CRASHCAP_OPTION_ITEMS_H
#define CRASHCAP_OPTION_ITEMS_H

#include <stddef.h>

#include "text_buffer.h"

typedef struct {
    size_t start;
    size_t len;
} option_item;

/* The items of an option string; returns how many there are (an empty string has none). Writes at
 * most `max` of them. */
size_t option_items_split(const char *options, option_item *items, size_t max);

/* The option string with every secret redacted, appended to out. */
void option_items_redact(text_buffer *out, const char *options);

/* crashcap's option names, in the order the README lists them (agent_options.c), and their count. */
extern const char *const CRASHCAP_OPTIONS[];
extern const size_t CRASHCAP_OPTIONS_COUNT;

#endif
