/* The C port of the redaction rules (arming/redaction.c, option_items.c) against the table of cases the Java
 * rules run too (redaction_cases.txt, RedactionCasesTest): argv[1] is the table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "option_items.h"
#include "redaction.h"

#define MAX_FIELDS 16

static void unescape(char *field) {
    char *out = field;
    for (char *p = field; *p; p++) {
        if (*p == '\\' && p[1] != '\0') {
            p++;
            *out++ = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p;
        } else {
            *out++ = *p;
        }
    }
    *out = '\0';
}

static void escape(text_buffer *out, const char *field) {
    text_buffer_append_string(out, "\t");
    for (const char *p = field; *p; p++) {
        if (*p == '\\') text_buffer_append_string(out, "\\\\");
        else if (*p == '\t') text_buffer_append_string(out, "\\t");
        else if (*p == '\n') text_buffer_append_string(out, "\\n");
        else text_buffer_append(out, p, 1);
    }
}

/* Splits at tabs, keeping empty fields; returns how many. */
static int fields_of(char *line, char **fields) {
    int count = 0;
    fields[count++] = line;
    for (char *p = line; *p && count < MAX_FIELDS; p++) {
        if (*p == '\t') {
            *p = '\0';
            fields[count++] = p + 1;
        }
    }
    return count;
}

static void render(const char *kind, char **in, int count, text_buffer *out) {
    text_buffer_append_string(out, "=");
    text_buffer one = {0};
    if (strcmp(kind, "name") == 0) {
        escape(out, redaction_is_secret_name(in[0], strlen(in[0])) ? "true" : "false");
    } else if (strcmp(kind, "text") == 0) {
        redaction_text(&one, in[0], strlen(in[0]));
        escape(out, text_buffer_text(&one));
    } else if (strcmp(kind, "env") == 0) {
        redaction_environment_value(&one, in[0], in[1]);
        escape(out, text_buffer_text(&one));
    } else if (strcmp(kind, "args") == 0) {
        char *result[MAX_FIELDS];
        redaction_arguments((const char *const *)in, (size_t)count, result);
        for (int i = 0; i < count; i++) {
            escape(out, result[i]);
            free(result[i]);
        }
    } else if (strcmp(kind, "options") == 0) {
        option_items_redact(&one, in[0]);
        escape(out, text_buffer_text(&one));
    } else if (strcmp(kind, "split") == 0) {
        option_item items[MAX_FIELDS];
        size_t n = option_items_split(in[0], items, MAX_FIELDS);
        for (size_t i = 0; i < n && i < MAX_FIELDS; i++) {
            char *item = strndup(in[0] + items[i].start, items[i].len);
            escape(out, item);
            free(item);
        }
    } else {
        fprintf(stderr, "unknown kind of case: %s\n", kind);
        check_failures++;
    }
    text_buffer_free(&one);
}

int main(int argc, char **argv) {
    FILE *table = argc > 1 ? fopen(argv[1], "r") : NULL;
    if (table == NULL) {
        fprintf(stderr, "usage: redaction_test <redaction_cases.txt>\n");
        return 2;
    }
    static char line[65536], expected[65536];
    int cases = 0;
    while (fgets(line, sizeof line, table) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#' || line[0] == '=') continue;
        if (fgets(expected, sizeof expected, table) == NULL) break;
        expected[strcspn(expected, "\n")] = '\0';
        char copy[65536];
        snprintf(copy, sizeof copy, "%s", line);
        char *fields[MAX_FIELDS];
        int count = fields_of(copy, fields);
        for (int i = 1; i < count; i++) unescape(fields[i]);
        text_buffer actual = {0};
        render(fields[0], fields + 1, count - 1, &actual);
        check_count++;
        if (strcmp(text_buffer_text(&actual), expected) != 0) {
            check_failures++;
            fprintf(stderr, "case %s\n  expected %s\n  C gave   %s\n", line, expected, text_buffer_text(&actual));
        }
        text_buffer_free(&actual);
        cases++;
    }
    fclose(table);
    CHECK(cases > 50);
    return check_report("redaction_test");
}
