package dev.crashcap.symbols;

import java.nio.ByteBuffer;

/** DWARF's variable-length integers (LEB128): seven bits a byte, low bits first, high bit set while more follow. */
final class Leb128 {
    private Leb128() {
    }

    static long unsigned(ByteBuffer buffer) {
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
        return value;
    }

    static long signed(ByteBuffer buffer) {
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
        if (shift < 64 && (b & 0x40) != 0) {
            value |= -1L << shift;
        }
        return value;
    }
}
