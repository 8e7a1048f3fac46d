/* A buffered writer for the capture file that is safe inside a signal handler: a fixed buffer,
 * write(2) only, number formatting of its own (snprintf is not async-signal-safe). */
#ifndef CRASHCAP_BUNDLE_WRITER_H
#define CRASHCAP_BUNDLE_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "text.h" /* copy_text, format_dec, format_hex: most users of the writer want them too */

#define BUNDLE_WRITER_BUFFER 8192

typedef struct {
    int fd;
    int failed;               /* a write failed (disk full, I/O error): everything after is dropped */
    size_t used;
    char buffer[BUNDLE_WRITER_BUFFER];
} bundle_writer;

void bw_init(bundle_writer *w, int fd);
/* Writes out what is buffered. Returns 0, or -1 once any write has failed. */
int bw_flush(bundle_writer *w);

void bw_bytes(bundle_writer *w, const char *bytes, size_t len);
void bw_text(bundle_writer *w, const char *text);
/* A value in the capture format: backslash, tab and newline escaped. */
void bw_value(bundle_writer *w, const char *text);
/* The same for len bytes that may hold NULs (a file's content): NULs are left out. */
void bw_value_bytes(bundle_writer *w, const char *text, size_t len);
void bw_dec(bundle_writer *w, int64_t value);
void bw_hex(bundle_writer *w, uint64_t value);          /* 0x-prefixed, lower case */
void bw_hex_bytes(bundle_writer *w, const uint8_t *bytes, size_t len);

/* Whole records: "key\tvalue\n". */
void bw_section(bundle_writer *w, const char *name);
void bw_field_text(bundle_writer *w, const char *key, const char *value);
void bw_field_dec(bundle_writer *w, const char *key, int64_t value);
void bw_field_hex(bundle_writer *w, const char *key, uint64_t value);

#endif
