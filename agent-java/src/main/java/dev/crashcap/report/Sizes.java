package dev.crashcap.report;

import java.util.Locale;

/** Byte sizes and counts as people read them: {@code 1 MiB}, {@code 256 KiB}, {@code 21,844}. */
final class Sizes {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    private Sizes() {
    }

    /** Whole MiB or KiB when the size is one (stack sizes usually are), else one decimal. */
    static String bytes(long bytes) {
        if (bytes >= MIB && bytes % MIB == 0) {
            return bytes / MIB + " MiB";
        }
        if (bytes >= MIB || Math.round(bytes * 10.0 / KIB) >= 10 * KIB) { // not "1024.0 KiB"
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
        }
        if (bytes >= KIB && bytes % KIB == 0) {
            return bytes / KIB + " KiB";
        }
        if (bytes >= KIB) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / (double) KIB);
        }
        return bytes + " bytes";
    }

    /** {@code 21,844}. */
    static String count(long count) {
        return String.format(Locale.ROOT, "%,d", count);
    }
}
