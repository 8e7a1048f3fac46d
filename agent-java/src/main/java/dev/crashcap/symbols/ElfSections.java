package dev.crashcap.symbols;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Finds a section of an ELF64 little-endian file by name, decompressed if the linker compressed it
 * ({@code SHF_COMPRESSED} with zlib, as {@code --compress-debug-sections} does).
 */
final class ElfSections {
    private static final long SHF_COMPRESSED = 0x800;
    private static final int ELFCOMPRESS_ZLIB = 1;
    private static final int CHDR_SIZE = 24;
    private static final long MAX_INFLATED = 128L << 20; // finishing may run inside the application's JVM

    private ElfSections() {
    }

    /** The section's contents, or null if there is no such section or it cannot be read. */
    static ByteBuffer named(ByteBuffer elf, String name) {
        long shoff = elf.getLong(0x28);
        int shentsize = Short.toUnsignedInt(elf.getShort(0x3a));
        int shnum = Short.toUnsignedInt(elf.getShort(0x3c));
        int shstrndx = Short.toUnsignedInt(elf.getShort(0x3e));
        int names = Math.toIntExact(elf.getLong(header(shoff, shentsize, shstrndx) + 24));
        for (int i = 0; i < shnum; i++) {
            int header = header(shoff, shentsize, i);
            if (name.equals(string(elf, names + elf.getInt(header)))) {
                return contents(elf, header);
            }
        }
        return null;
    }

    private static ByteBuffer contents(ByteBuffer elf, int header) {
        long flags = elf.getLong(header + 8);
        int offset = Math.toIntExact(elf.getLong(header + 24));
        int size = Math.toIntExact(elf.getLong(header + 32));
        ByteBuffer raw = elf.duplicate().position(offset).limit(Math.addExact(offset, size)).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        return (flags & SHF_COMPRESSED) == 0 ? raw : inflate(raw);
    }

    /** Elf64_Chdr (type, reserved, size, alignment), then the zlib stream. */
    private static ByteBuffer inflate(ByteBuffer compressed) {
        long size = compressed.getLong(8);
        if (compressed.getInt(0) != ELFCOMPRESS_ZLIB || size < 0 || size > MAX_INFLATED) {
            return null;
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed.position(CHDR_SIZE).slice());
            byte[] out = new byte[(int) size];
            int filled = 0;
            while (filled < out.length && !inflater.finished() && !inflater.needsInput()) {
                int inflated = inflater.inflate(out, filled, out.length - filled);
                if (inflated == 0) {
                    break; // wants a dictionary: not something a linker writes
                }
                filled += inflated;
            }
            return ByteBuffer.wrap(out, 0, filled).slice().order(ByteOrder.LITTLE_ENDIAN);
        } catch (DataFormatException e) {
            return null;
        } finally {
            inflater.end();
        }
    }

    private static int header(long shoff, int shentsize, int index) {
        return Math.toIntExact(shoff + (long) index * shentsize);
    }

    /** The NUL-terminated string at {@code offset} (ELF string tables). */
    static String string(ByteBuffer elf, int offset) {
        int end = offset;
        while (elf.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - offset];
        elf.get(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
