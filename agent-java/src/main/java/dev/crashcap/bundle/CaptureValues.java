package dev.crashcap.bundle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the values of a capture's {@code key TAB value} lines for {@link CaptureParser}: a value it cannot read
 * becomes null and a warning, never an exception (a signal handler wrote the file; it may be damaged). Keeps the
 * warnings, the first hundred of them.
 */
final class CaptureValues {
    // A damaged file could produce a warning per line; a report needs the first few, not a million.
    private static final int MAX_WARNINGS = 100;

    private final List<String> warnings = new ArrayList<>();

    /** The value, or null when missing or empty. */
    static String text(Map<String, String> values, String key) {
        String value = values.get(key);
        return value == null || value.isEmpty() ? null : value;
    }

    Long decimal(Map<String, String> values, String sectionName, String key) {
        String value = text(values, key);
        Long number = decimal(value);
        if (value != null && number == null) {
            warnUnreadable(sectionName, key, value);
        }
        return number;
    }

    Integer integer(Map<String, String> values, String sectionName, String key) {
        Long number = decimal(values, sectionName, key);
        if (number != null && (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE)) {
            warnUnreadable(sectionName, key, values.get(key));
            return null;
        }
        return number == null ? null : number.intValue();
    }

    Long hex(Map<String, String> values, String sectionName, String key) {
        String value = text(values, key);
        Long number = Hex.parse(value);
        if (value != null && number == null) {
            warnUnreadable(sectionName, key, value);
        }
        return number;
    }

    static Long decimal(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code 1} or {@code 0}; null when absent or neither. */
    static Boolean flag(String value) {
        return "1".equals(value) ? Boolean.TRUE : "0".equals(value) ? Boolean.FALSE : null;
    }

    static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    private void warnUnreadable(String sectionName, String key, String value) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        warn(sectionName + ": unreadable " + key + " '" + shown + "', ignored");
    }

    void warn(String warning) {
        if (warnings.size() < MAX_WARNINGS) {
            warnings.add(warning);
        } else if (warnings.size() == MAX_WARNINGS) {
            warnings.add("more warnings were left out");
        }
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }
}
