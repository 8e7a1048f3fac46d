package dev.crashcap.symbols;

import dev.crashcap.collector.BundleFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code symbols.txt} in a finished bundle: the names and source lines finishing found in the module files, so a
 * bundle moved to a machine without those files still shows them. One line a module offset, tab-separated: build-id,
 * offset, function, function offset, file, line (offsets in hex with 0x; an unknown value is empty), exact ({@code 1}
 * for an exact pc, {@code 0} for a return address, looked up one byte before; absent in files of older versions,
 * whose entries serve both). Documented in docs/ship.md.
 */
public final class SymbolsFile {
    public static final String NAME = "symbols.txt";

    /** What the module with this build-id has at this offset; null fields are unknown ({@code exact}: both). */
    public record Entry(String buildId, long offset, String function, Long functionOffset, String file, Integer line,
            Boolean exact) {
    }

    private SymbolsFile() {
    }

    static String key(String buildId, long offset, boolean exact) {
        return buildId.toLowerCase(java.util.Locale.ROOT) + "+" + Long.toHexString(offset) + (exact ? "" : "-1");
    }

    public static byte[] render(List<Entry> entries) {
        StringBuilder text = new StringBuilder();
        for (Entry entry : entries) {
            text.append(entry.buildId()).append('\t').append("0x").append(Long.toHexString(entry.offset()))
                    .append('\t').append(field(entry.function()))
                    .append('\t').append(hexOrEmpty(entry.functionOffset()))
                    .append('\t').append(field(entry.file()))
                    .append('\t').append(entry.line() == null ? "" : entry.line().toString())
                    .append('\t').append(entry.exact() == null ? "" : entry.exact() ? "1" : "0").append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The entries of the bundle's symbols.txt, or null if it has none (or it cannot be read). */
    static List<Entry> read(Path directory) {
        if (directory == null || !BundleFiles.isPlainFile(directory.resolve(NAME))) {
            return null;
        }
        try {
            List<Entry> entries = new ArrayList<>();
            String text = new String(BundleFiles.read(directory.resolve(NAME), 256L * 1024 * 1024),
                    StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                Entry entry = parse(line);
                if (entry != null) {
                    entries.add(entry);
                }
            }
            return entries;
        } catch (IOException | RuntimeException e) {
            return null; // the module files are asked instead
        }
    }

    /** One line's entry, or null if it is not one (a line of another version, a damaged line). */
    private static Entry parse(String line) {
        String[] fields = line.split("\t", -1);
        if (fields.length < 6 || fields[0].isEmpty()) {
            return null;
        }
        try {
            return new Entry(fields[0], hex(fields[1]), text(fields[2]),
                    fields[3].isEmpty() ? null : hex(fields[3]), text(fields[4]),
                    fields[5].isEmpty() ? null : Integer.valueOf(fields[5]),
                    fields.length < 7 || fields[6].isEmpty() ? null : Boolean.valueOf(fields[6].equals("1")));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String hexOrEmpty(Long value) {
        return value == null ? "" : "0x" + Long.toHexString(value);
    }

    private static long hex(String field) {
        if (!field.startsWith("0x")) {
            throw new NumberFormatException(field);
        }
        return Long.parseUnsignedLong(field.substring(2), 16);
    }

    private static String text(String field) {
        return field.isEmpty() ? null : field;
    }

    /** A value as a field: tabs and line breaks would break the line apart, so such a value is left out. */
    private static String field(String value) {
        return value == null || value.indexOf('\t') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0
                ? "" : value;
    }
}
