/* The capture header's redaction, for -agentpath, where no Java runs at arming: a port of
 * dev.crashcap.secrets.Redaction and SecretShapes (agent-java), rule for rule. The two are held
 * together by one table of cases both test suites run (agent-native/test/redaction_cases.txt:
 * RedactionCasesTest in Java, redaction_test here): a rule changed in one and not the other fails.
 * Text is bytes: a byte of 0x80 or above is neither letter nor digit, as Java's rules treat every
 * non-ASCII character except the very few whose upper case is ASCII (U+0131, U+017F). */
#ifndef CRASHCAP_REDACTION_H
#define CRASHCAP_REDACTION_H

#include <stddef.h>

#include "text_buffer.h"

#define REDACTED "<redacted>"

/* True when a variable, property or option of this name probably holds a secret. */
int redaction_is_secret_name(const char *name, size_t len);

/* Any text with the secrets told by their value redacted (URL passwords, token shapes). */
void redaction_text(text_buffer *out, const char *text, size_t len);

/* An environment variable's value as the header may hold it. */
void redaction_environment_value(text_buffer *out, const char *name, const char *value);

/* Command-line arguments with secrets redacted: out[i] is a malloc'ed string (NULL if memory ran out). */
void redaction_arguments(const char *const *args, size_t count, char **out);

#endif
