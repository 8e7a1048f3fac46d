/* A growable byte buffer for arming-time text (the -agentpath header, redaction): malloc is fine here,
 * arming never runs in a signal handler. An allocation failure is remembered, not reported at each call. */
#ifndef CRASHCAP_TEXT_BUFFER_H
#define CRASHCAP_TEXT_BUFFER_H

#include <stddef.h>

typedef struct {
    char *data; /* always NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
    int failed; /* out of memory at some point: the contents are incomplete */
} text_buffer;

void text_buffer_append(text_buffer *buffer, const char *bytes, size_t len);
void text_buffer_append_string(text_buffer *buffer, const char *text);
/* The contents (an empty string if nothing was appended); NULL only if memory ran out. */
const char *text_buffer_text(text_buffer *buffer);
void text_buffer_free(text_buffer *buffer);

#endif
