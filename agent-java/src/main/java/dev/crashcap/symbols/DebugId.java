package dev.crashcap.symbols;

/**
 * Sentry's identifiers for an ELF image: {@code code_id} is the GNU build-id as hex; {@code debug_id} is its first
 * 16 bytes read as a little-endian GUID (the first three fields byte-swapped), zero-padded when shorter. That is
 * how Sentry's symbolicator matches debug files uploaded with sentry-cli to the images of a native event.
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
