#include "bundle_writer.h"

#include "sys.h"
#include "text.h"

void bw_init(bundle_writer *w, int fd) {
    w->fd = fd;
    w->failed = 0;
    w->used = 0;
}

static int write_fully(int fd, const char *bytes, size_t len) {
    while (len > 0) {
        ssize_t n = sys_write(fd, bytes, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (n == 0) return -1;
        bytes += n;
        len -= (size_t)n;
    }
    return 0;
}

int bw_flush(bundle_writer *w) {
    if (!w->failed && w->used > 0 && write_fully(w->fd, w->buffer, w->used) != 0) {
        /* Disk full or I/O error: stop writing so that the file ends at a record boundary
         * already on disk, which the reader treats as a cut-off capture. */
        w->failed = 1;
    }
    w->used = 0;
    return w->failed ? -1 : 0;
}

void bw_bytes(bundle_writer *w, const char *bytes, size_t len) {
    while (len > 0 && !w->failed) {
        if (w->used == sizeof w->buffer) bw_flush(w);
        size_t room = sizeof w->buffer - w->used;
        size_t n = len < room ? len : room;
        for (size_t i = 0; i < n; i++) w->buffer[w->used + i] = bytes[i];
        w->used += n;
        bytes += n;
        len -= n;
    }
}

void bw_text(bundle_writer *w, const char *text) {
    size_t len = 0;
    while (text[len] != '\0') len++;
    bw_bytes(w, text, len);
}

void bw_value(bundle_writer *w, const char *text) {
    for (const char *p = text; *p != '\0'; p++) {
        switch (*p) {
        case '\\': bw_bytes(w, "\\\\", 2); break;
        case '\t': bw_bytes(w, "\\t", 2); break;
        case '\n': bw_bytes(w, "\\n", 2); break;
        default: bw_bytes(w, p, 1);
        }
    }
}

void bw_value_bytes(bundle_writer *w, const char *text, size_t len) {
    for (size_t i = 0; i < len; i++) {
        switch (text[i]) {
        case '\\': bw_bytes(w, "\\\\", 2); break;
        case '\t': bw_bytes(w, "\\t", 2); break;
        case '\n': bw_bytes(w, "\\n", 2); break;
        case '\0': break; /* not text: left out (the format has no escape for it) */
        default: bw_bytes(w, text + i, 1);
        }
    }
}

void bw_dec(bundle_writer *w, int64_t value) {
    char text[24];
    bw_bytes(w, text, format_dec(text, sizeof text, value));
}

void bw_hex(bundle_writer *w, uint64_t value) {
    char text[20];
    bw_bytes(w, text, format_hex(text, sizeof text, value));
}

void bw_hex_bytes(bundle_writer *w, const uint8_t *bytes, size_t len) {
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        char pair[2] = { hex[bytes[i] >> 4], hex[bytes[i] & 0xf] };
        bw_bytes(w, pair, 2);
    }
}

void bw_section(bundle_writer *w, const char *name) {
    bw_field_text(w, "section", name);
}

void bw_field_text(bundle_writer *w, const char *key, const char *value) {
    bw_text(w, key);
    bw_bytes(w, "\t", 1);
    bw_value(w, value);
    bw_bytes(w, "\n", 1);
}

void bw_field_dec(bundle_writer *w, const char *key, int64_t value) {
    bw_text(w, key);
    bw_bytes(w, "\t", 1);
    bw_dec(w, value);
    bw_bytes(w, "\n", 1);
}

void bw_field_hex(bundle_writer *w, const char *key, uint64_t value) {
    bw_text(w, key);
    bw_bytes(w, "\t", 1);
    bw_hex(w, value);
    bw_bytes(w, "\n", 1);
}
