/* Unit tests of the capture file writer (handler/bundle_writer.c) and the text helpers it uses: what
 * lands in the file, escaping, numbers at their limits, records longer than the buffer, and a failed
 * write (disk full) that must stop the file at a record boundary. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "bundle_writer.h"
#include "check.h"

static char file_path[] = "/tmp/crashcap-bundle-writer-XXXXXX";

/* Everything written to the writer's file so far (the writer must have been flushed). */
static const char *file_text(void) {
    static char text[1 << 16];
    int fd = open(file_path, O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
    if (fd >= 0) close(fd);
    text[n > 0 ? n : 0] = '\0';
    return text;
}

static void fresh_writer(bundle_writer *w) {
    int fd = open(file_path, O_WRONLY | O_TRUNC);
    bw_init(w, fd);
}

static void records_and_escaping(void) {
    bundle_writer w;
    fresh_writer(&w);
    bw_section(&w, "crash");
    bw_field_text(&w, "name", "a\tb\nc\\d");
    bw_field_dec(&w, "min", INT64_MIN);
    bw_field_dec(&w, "zero", 0);
    bw_field_hex(&w, "max", UINT64_MAX);
    bw_field_hex(&w, "nothing", 0);
    bw_text(&w, "id\t");
    bw_hex_bytes(&w, (const uint8_t *)"\x00\xab\xff", 3);
    bw_text(&w, "\n");
    CHECK(bw_flush(&w) == 0);
    close(w.fd);
    CHECK_TEXT(file_text(), "section\tcrash\n"
                            "name\ta\\tb\\nc\\\\d\n"
                            "min\t-9223372036854775808\n"
                            "zero\t0\n"
                            "max\t0xffffffffffffffff\n"
                            "nothing\t0x0\n"
                            "id\t00abff\n");
}

/* A record longer than the buffer goes out whole, across several write calls. */
static void longer_than_the_buffer(void) {
    static char long_value[3 * BUNDLE_WRITER_BUFFER + 7];
    memset(long_value, 'x', sizeof long_value - 1);
    bundle_writer w;
    fresh_writer(&w);
    bw_field_text(&w, "long", long_value);
    bw_field_dec(&w, "after", 42);
    CHECK(bw_flush(&w) == 0);
    close(w.fd);
    const char *text = file_text();
    CHECK(strlen(text) == 5 + strlen(long_value) + 1 + strlen("after\t42\n"));
    CHECK(strncmp(text, "long\txxx", 8) == 0);
    CHECK(strcmp(text + strlen(text) - 9, "after\t42\n") == 0);
}

/* Disk full: a failed write sets failed, flush says so, and nothing after is written. */
static void failed_write_stops_the_file(void) {
    bundle_writer w;
    bw_init(&w, -1); /* every write fails (EBADF), as on a full disk */
    bw_field_text(&w, "a", "b");
    CHECK(bw_flush(&w) == -1);
    CHECK(w.failed == 1);
    bw_field_text(&w, "c", "d");
    CHECK(w.used == 0);
    CHECK(bw_flush(&w) == -1);
}

static void text_helpers_cut_to_fit(void) {
    char small[5];
    CHECK(copy_text(small, sizeof small, "abcdefgh") == 4);
    CHECK_TEXT(small, "abcd");
    CHECK(format_dec(small, sizeof small, -12345) == 4);
    CHECK_TEXT(small, "-123");
    char number[24];
    CHECK(format_dec(number, sizeof number, 9223372036854775807LL) == 19);
    CHECK_TEXT(number, "9223372036854775807");
    CHECK(format_hex(number, sizeof number, 0xdeadbeef) == 10);
    CHECK_TEXT(number, "0xdeadbeef");
    char name[64];
    CHECK(java_class_name(name, sizeof name, "Ljava/lang/Thread;") == 16);
    CHECK_TEXT(name, "java.lang.Thread");
    /* A hidden class: JVMTI writes its suffix after a '.', Class.getName() after a '/'. */
    java_class_name(name, sizeof name, "Lcom/x/Foo$$Lambda.0x0000000801001234;");
    CHECK_TEXT(name, "com.x.Foo$$Lambda/0x0000000801001234");
    java_class_name(name, sizeof name, "[I"); /* not an object type: kept as it is */
    CHECK_TEXT(name, "[I");
}

int main(void) {
    int fd = mkstemp(file_path);
    if (fd < 0) {
        perror("mkstemp");
        return 2;
    }
    close(fd);
    records_and_escaping();
    longer_than_the_buffer();
    failed_write_stops_the_file();
    text_helpers_cut_to_fit();
    unlink(file_path);
    return check_report("bundle_writer_test");
}
