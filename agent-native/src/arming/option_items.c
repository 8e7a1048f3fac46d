/* Port of dev.crashcap.secrets.OptionItems: see option_items.h. */
#include "option_items.h"

#include <stdlib.h>
#include <string.h>

#include "redaction.h"

/* The item crashcap dump adds to the options (dev.crashcap.agent.DumpRequest). */
#define DUMP "dump"

/* Java's String.trim(): every character up to the space, at both ends. */
static void trim(const char **text, size_t *len) {
    while (*len > 0 && (unsigned char)(*text)[0] <= ' ') {
        (*text)++;
        (*len)--;
    }
    while (*len > 0 && (unsigned char)(*text)[*len - 1] <= ' ') (*len)--;
}

static int is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == ' ';
}

static int is_crashcap_option(const char *name, size_t len) {
    for (size_t i = 0; i < CRASHCAP_OPTIONS_COUNT; i++) {
        if (strlen(CRASHCAP_OPTIONS[i]) == len && memcmp(CRASHCAP_OPTIONS[i], name, len) == 0) return 1;
    }
    return len == strlen(DUMP) && memcmp(name, DUMP, len) == 0;
}

static int starts_item(const char *options, size_t at, const char *before, size_t before_len) {
    size_t len = strlen(options);
    size_t end = at;
    while (end < len && is_name_char(options[end])) end++;
    if (end == at || end >= len || options[end] != '=') return 0;
    const char *name = options + at;
    size_t name_len = end - at;
    trim(&name, &name_len);
    if (is_crashcap_option(name, name_len)) return 1;
    const char *equals = memchr(before, '=', before_len);
    size_t name_before_len = equals == NULL ? before_len : (size_t)(equals - before);
    trim(&before, &name_before_len);
    return !redaction_is_secret_name(before, name_before_len);
}

size_t option_items_split(const char *options, option_item *items, size_t max) {
    size_t len = strlen(options);
    if (len == 0) return 0;
    size_t count = 0;
    size_t start = 0;
    for (const char *comma = strchr(options, ','); comma != NULL; comma = strchr(comma + 1, ',')) {
        size_t at = (size_t)(comma - options);
        if (starts_item(options, at + 1, options + start, at - start)) {
            if (count < max) items[count] = (option_item){start, at - start};
            count++;
            start = at + 1;
        }
    }
    if (count < max) items[count] = (option_item){start, len - start};
    return count + 1;
}

void option_items_redact(text_buffer *out, const char *options) {
    size_t count = option_items_split(options, NULL, 0);
    option_item *items = calloc(count == 0 ? 1 : count, sizeof *items);
    if (items == NULL) {
        text_buffer_append_string(out, REDACTED);
        return;
    }
    option_items_split(options, items, count);
    for (size_t i = 0; i < count; i++) {
        if (i > 0) text_buffer_append_string(out, ",");
        const char *item = options + items[i].start;
        size_t len = items[i].len;
        const char *equals = memchr(item, '=', len);
        const char *name = item;
        size_t name_len = equals == NULL ? 0 : (size_t)(equals - item);
        trim(&name, &name_len);
        if (equals != NULL && equals > item && redaction_is_secret_name(name, name_len)) {
            text_buffer_append(out, item, (size_t)(equals - item) + 1);
            text_buffer_append_string(out, REDACTED);
        } else {
            redaction_text(out, item, len);
        }
    }
    free(items);
}
