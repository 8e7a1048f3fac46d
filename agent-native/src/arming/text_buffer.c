#include "text_buffer.h"

#include <stdlib.h>
#include <string.h>

void text_buffer_append(text_buffer *buffer, const char *bytes, size_t len) {
    if (buffer->failed) return;
    if (buffer->len + len + 1 > buffer->cap) {
        size_t cap = buffer->cap == 0 ? 256 : buffer->cap;
        while (cap < buffer->len + len + 1) cap *= 2;
        char *grown = realloc(buffer->data, cap);
        if (grown == NULL) {
            buffer->failed = 1;
            return;
        }
        buffer->data = grown;
        buffer->cap = cap;
    }
    memcpy(buffer->data + buffer->len, bytes, len);
    buffer->len += len;
    buffer->data[buffer->len] = '\0';
}

void text_buffer_append_string(text_buffer *buffer, const char *text) {
    text_buffer_append(buffer, text, strlen(text));
}

const char *text_buffer_text(text_buffer *buffer) {
    if (buffer->failed) return NULL;
    if (buffer->data == NULL) text_buffer_append(buffer, "", 0);
    return buffer->failed ? NULL : buffer->data;
}

void text_buffer_free(text_buffer *buffer) {
    free(buffer->data);
    buffer->data = NULL;
    buffer->len = buffer->cap = 0;
    buffer->failed = 0;
}
