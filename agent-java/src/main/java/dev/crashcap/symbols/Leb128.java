package dev.crashcap.symbols;

import java.nio.ByteBuffer;

/** DWARF's variable-length integers (LEB128): seven bits a byte, low bits first, high bit set while more follow. */
final class Leb128 {
    private Leb128() {
    }

    static long unsigned(ByteBuffer buffer) {
        return read(buffer, false);
    }

    static long signed(ByteBuffer buffer) {
        return read(buffer, true);
    }

    /** One reader for both: a signed value differs only in extending bit 6 of the last byte upwards. */
    private static long read(ByteBuffer buffer, boolean signed) {
        long value = 0;
        int shift = 0;
        byte b;
        do {
            b = buffer.get();
            if (shift < 64) {
                value |= (long) (b & 0x7f) << shift;
            }
            shift += 7;
        } while (b < 0);
        if (signed && shift < 64 && (b & 0x40) != 0) {
            value |= -1L << shift;
        }
        return value;
    }
}
