package dev.crashcap.symbols;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sentry's identifiers for an ELF image: {@code code_id} is the GNU build-id as hex; {@code debug_id} is its first
 * 16 bytes read as a little-endian GUID (the first three fields byte-swapped), zero-padded when shorter. That is
 * how Sentry's symbolicator matches debug files uploaded with sentry-cli to the images of a native event.
 * An image without a build-id gets the identifier Sentry's tools compute for it instead ({@link #fromText}).
 */
public final class DebugId {
    private DebugId() {
    }

    public static String codeId(String buildId) {
        return buildId == null || buildId.isEmpty() ? null : buildId.toLowerCase();
    }

    public static String debugId(String buildId) {
        if (buildId == null || buildId.isEmpty() || buildId.length() % 2 != 0 || !buildId.matches("[0-9a-fA-F]+")) {
            return null;
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < Math.min(16, buildId.length() / 2); i++) {
            bytes[i] = (byte) Integer.parseInt(buildId.substring(2 * i, 2 * i + 2), 16);
        }
        return guid(bytes);
    }

    /**
     * The debug_id of an ELF file that has no build-id, as sentry-native and Sentry's symbolic library compute it so
     * that the debug file uploaded for it matches: the first page (4096 bytes, fewer if the section is shorter) of
     * the file's {@code .text} section folded into 16 bytes by XOR (byte i into byte i mod 16), then read as the same
     * little-endian GUID. Null if the file cannot be read or is no ELF64 file with a {@code .text} section.
     */
    public static String fromText(String elfFile) {
        try (FileChannel channel = FileChannel.open(Path.of(elfFile), StandardOpenOption.READ)) {
            ByteBuffer elf = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN);
            if (elf.limit() < 64 || elf.getInt(0) != 0x464c457f || elf.get(4) != 2 || elf.get(5) != 1) {
                return null; // not "\x7fELF", ELFCLASS64, little-endian: the only images crashcap captures
            }
            ByteBuffer text = ElfSections.named(elf, ".text");
            if (text == null) {
                return null;
            }
            byte[] folded = new byte[16];
            for (int i = 0; i < Math.min(text.limit(), 4096); i++) {
                folded[i % 16] ^= text.get(i);
            }
            return guid(folded);
        } catch (IOException | RuntimeException e) {
            return null; // gone, unreadable or malformed: the image is sent without a debug_id, as before
        }
    }

    /** 16 bytes as a little-endian GUID: the first three fields byte-swapped, then the usual dashed hex. */
    private static String guid(byte[] bytes) {
        swap(bytes, 0, 3);
        swap(bytes, 1, 2);
        swap(bytes, 4, 5);
        swap(bytes, 6, 7);
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                hex.append('-');
            }
            hex.append(String.format("%02x", bytes[i]));
        }
        return hex.toString();
    }

    private static void swap(byte[] bytes, int i, int j) {
        byte t = bytes[i];
        bytes[i] = bytes[j];
        bytes[j] = t;
    }
}
