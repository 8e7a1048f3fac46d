package dev.crashcap.report;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parsers for the small system files the handler copies raw into a capture (docs/capture-format.md, {@code host}):
 * {@code /proc/meminfo}, {@code /proc/cpuinfo}, CPU lists, and cgroup v1 and v2 limit files. Each takes the file's
 * text and returns null for what it cannot read: the files come from any kernel, and a capture may be cut off.
 */
final class HostFiles {
    /**
     * cgroup v1 writes "no limit" as the largest page-aligned number (9223372036854771712 on 4 KiB pages); any value
     * from 2^62 up is taken as that.
     */
    static final long V1_UNLIMITED = 1L << 62;

    private HostFiles() {
    }

    /** {@code MemTotal: 24684084 kB} lines: name to bytes (a line without {@code kB} is a count, kept as it is). */
    static Map<String, Long> meminfo(String text) {
        Map<String, Long> values = new LinkedHashMap<>();
        if (text == null) {
            return values;
        }
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String[] words = line.substring(colon + 1).trim().split("\\s+");
            Long number = parse(words[0]);
            if (number == null) {
                continue;
            }
            boolean kilobytes = words.length > 1 && words[1].equalsIgnoreCase("kB");
            values.put(line.substring(0, colon).trim(), kilobytes ? number * 1024 : number);
        }
        return values;
    }

    /** The first {@code model name} (x86) or {@code Model} / {@code Hardware} (ARM) of /proc/cpuinfo, or null. */
    static String cpuModel(String text) {
        if (text == null) {
            return null;
        }
        String fallback = null;
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (key.equals("model name") && !value.isEmpty()) {
                return value;
            }
            if ((key.equals("model") && !value.matches("[0-9]+") || key.equals("hardware")) && fallback == null
                    && !value.isEmpty()) {
                fallback = value;
            }
        }
        return fallback;
    }

    /** The number of CPUs in a kernel CPU list ({@code 0-3,8,10-11} → 7), or null. */
    static Integer cpuCount(String list) {
        if (list == null || list.isBlank()) {
            return null;
        }
        int count = 0;
        for (String part : list.trim().split(",")) {
            String[] range = part.trim().split("-");
            if (range.length == 0) {
                return null;
            }
            Long first = parse(range[0]);
            Long last = range.length == 2 ? parse(range[1]) : first;
            if (first == null || last == null || last < first || range.length > 2) {
                return null;
            }
            count += (int) (last - first + 1);
        }
        return count;
    }

    /** A cgroup v2 limit ({@code memory.max}, {@code pids.max}): a number, or {@code max} = no limit (null). */
    static Long v2Limit(String text) {
        return text == null || text.trim().equals("max") ? null : parse(text.trim());
    }

    /** A cgroup v1 memory limit: a number, or null for "no limit" (see {@link #V1_UNLIMITED}) and unreadable text. */
    static Long v1MemoryLimit(String text) {
        Long value = text == null ? null : parse(text.trim());
        return value == null || value >= V1_UNLIMITED ? null : value;
    }

    /**
     * A CPU limit in CPUs ({@code 1.5}) from a quota and a period in microseconds; null when there is none (a
     * quota of {@code max} in v2, {@code -1} in v1) or it cannot be read.
     */
    static Double cpuLimit(Long quota, Long period) {
        if (quota == null || period == null || quota <= 0 || period <= 0) {
            return null;
        }
        return (double) quota / period;
    }

    /** cgroup v2 {@code cpu.max}: "{@code <quota|max> <period>}" → {quota or null, period}. */
    static Long[] v2CpuMax(String text) {
        if (text == null) {
            return new Long[] {null, null};
        }
        String[] words = text.trim().split("\\s+");
        Long quota = words[0].equals("max") ? null : parse(words[0]);
        Long period = words.length > 1 ? parse(words[1]) : null;
        return new Long[] {quota, period};
    }

    /** A number in a file ({@code 100000\n}, {@code -1}), or null. */
    static Long number(String text) {
        return text == null ? null : parse(text.trim());
    }

    private static Long parse(String text) {
        if (text == null || !text.matches("-?[0-9]{1,19}")) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
