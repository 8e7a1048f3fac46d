package dev.crashcap.minidump;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growing little-endian byte array: minidumps are little-endian, offsets (RVAs) are 32-bit file positions. */
final class Output {
    private byte[] bytes = new byte[64 * 1024];
    private int size;

    int position() {
        return size;
    }

    /** Pads with zeros to a multiple of {@code alignment}. */
    void align(int alignment) {
        while (size % alignment != 0) {
            u8(0);
        }
    }

    void u8(int value) {
        ensure(1);
        bytes[size++] = (byte) value;
    }

    void u16(int value) {
        u8(value);
        u8(value >>> 8);
    }

    void u32(long value) {
        ensure(4);
        patchU32(size, value);
        size += 4;
    }

    void u64(long value) {
        u32(value);
        u32(value >>> 32);
    }

    void bytes(byte[] data) {
        ensure(data.length);
        System.arraycopy(data, 0, bytes, size, data.length);
        size += data.length;
    }

    void zeros(int count) {
        ensure(count);
        size += count; // the array is zero beyond size
    }

    void patchU32(int at, long value) {
        bytes[at] = (byte) value;
        bytes[at + 1] = (byte) (value >>> 8);
        bytes[at + 2] = (byte) (value >>> 16);
        bytes[at + 3] = (byte) (value >>> 24);
    }

    /** An MDString: its length in bytes, UTF-16LE characters, a 0 terminator; returns its RVA. */
    int string(String text) {
        align(4);
        int at = position();
        byte[] utf16 = text.getBytes(StandardCharsets.UTF_16LE);
        u32(utf16.length);
        bytes(utf16);
        u16(0);
        return at;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        if ((long) size + more > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("a minidump is limited to 2 GiB (32-bit offsets)");
        }
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 8, Math.max((long) size + more, bytes.length * 2L)));
        }
    }
}
