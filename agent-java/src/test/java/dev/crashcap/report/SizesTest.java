package dev.crashcap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SizesTest {

    @Test
    void bytesInTheUnitAPersonExpects() {
        assertEquals("1 MiB", Sizes.bytes(1024 * 1024));
        assertEquals("256 KiB", Sizes.bytes(256 * 1024));
        assertEquals("7.9 MiB", Sizes.bytes(8_290_304));
        assertEquals("1.0 MiB", Sizes.bytes(1024 * 1024 - 16), "not 1024.0 KiB");
        assertEquals("1.5 KiB", Sizes.bytes(1536));
        assertEquals("100 bytes", Sizes.bytes(100));
    }

    @Test
    void countsAreGrouped() {
        assertEquals("21,844", Sizes.count(21_844));
        assertEquals("999", Sizes.count(999));
    }
}
