/* handler/java_method_name.c's reading of HotSpot's compressed line number tables, on tables written by hand after
 * HotSpot's CompressedLineNumberWriteStream: one byte (bci delta << 3 | line delta) when both fit, else 0xFF and
 * two signed (zigzag) UNSIGNED5 numbers; 0 ends the table. JDK 17's numbers are plain UNSIGNED5 (bytes 192 and up
 * say "more follows"); JDK 21+ adds one to every byte so that no number holds a zero byte. */
#include <stdint.h>

#include "check.h"
#include "java_method_name.h"

/* (bci 0, line 10) escaped: line delta 10 needs more than 3 bits; (4, 11) in one byte; (9, 9) escaped: the line
 * goes back. */
static const uint8_t TABLE_17[] = { 0xFF, 0x00, 0x14, 0x21, 0xFF, 0x0A, 0x03, 0x00 };
static const uint8_t TABLE_21[] = { 0xFF, 0x01, 0x15, 0x21, 0xFF, 0x0B, 0x04, 0x00 };
/* (300, 5): a bci delta of 300 (zigzag 600) takes two bytes. */
static const uint8_t LONG_17[] = { 0xFF, 216, 6, 10, 0x00 };
static const uint8_t LONG_21[] = { 0xFF, 217, 7, 11, 0x00 };

static void check_table(const uint8_t *table, size_t size, int excluded) {
    CHECK(java_line_table_lookup(table, size, excluded, 0) == 10);
    CHECK(java_line_table_lookup(table, size, excluded, 2) == 10);  /* the last entry before it */
    CHECK(java_line_table_lookup(table, size, excluded, 4) == 11);
    CHECK(java_line_table_lookup(table, size, excluded, 7) == 11);
    CHECK(java_line_table_lookup(table, size, excluded, 9) == 9);
    CHECK(java_line_table_lookup(table, size, excluded, 20) == 9);
}

int main(void) {
    check_table(TABLE_17, sizeof TABLE_17, 0);
    check_table(TABLE_21, sizeof TABLE_21, 1);
    CHECK(java_line_table_lookup(LONG_17, sizeof LONG_17, 0, 300) == 5);
    CHECK(java_line_table_lookup(LONG_21, sizeof LONG_21, 1, 300) == 5);
    /* The other encoding reads another table: a wrong line, which is why arming checks which one JVMTI agrees with. */
    CHECK(java_line_table_lookup(TABLE_17, sizeof TABLE_17, 1, 0) == -1); /* a 0 byte inside a number: refused */
    CHECK(java_line_table_lookup(LONG_21, sizeof LONG_21, 0, 300) != 5);
    /* No terminator within the bytes given: an exact entry read before the cut is still right, but "the last entry
     * before it" cannot be known: no line rather than a guess. */
    CHECK(java_line_table_lookup(TABLE_17, sizeof TABLE_17 - 1, 0, 9) == 9);
    CHECK(java_line_table_lookup(TABLE_17, sizeof TABLE_17 - 1, 0, 20) == -1);
    CHECK(java_line_table_lookup(TABLE_17, 3, 0, 2) == -1);
    /* An empty table (only its end) has no line. */
    static const uint8_t EMPTY[] = { 0x00 };
    CHECK(java_line_table_lookup(EMPTY, sizeof EMPTY, 0, 0) == -1);
    return check_report("java_line_table_test");
}
