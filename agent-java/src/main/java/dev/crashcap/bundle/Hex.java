package dev.crashcap.bundle;

/** Addresses as the capture writes them: unsigned 64-bit values in hex with a {@code 0x} prefix. */
public final class Hex {
    private Hex() {
    }

    /** {@code 0x7f3a2c1011a9}: the form used in the capture and in the JSON. */
    public static String of(long value) {
        return "0x" + Long.toHexString(value);
    }

    /** {@code 0x00007f3a2c1011a9}: fixed width, so addresses line up in the human report. */
    public static String padded(long value) {
        String digits = Long.toHexString(value);
        return "0x" + "0".repeat(Math.max(0, 16 - digits.length())) + digits;
    }

    /** Parses {@code 0x…} (the prefix is optional); null if it is not an unsigned 64-bit hex number. */
    public static Long parse(String text) {
        if (text == null) {
            return null;
        }
        String digits = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        if (digits.isEmpty() || digits.length() > 16) {
            return null;
        }
        try {
            return Long.parseUnsignedLong(digits, 16);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
