package dev.crashcap.bundle;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of {@code capture.txt}: a key and its values. Fields are split on TAB first and unescaped after, so
 * an escaped tab ({@code \t}) inside a value never splits it.
 */
public record CaptureLine(int number, String key, List<String> values) {

    /** One line of records written with capture.txt's escapes (also locks.txt and the agent's status). */
    public static CaptureLine parse(int number, String text) {
        List<String> fields = new ArrayList<>();
        int start = 0;
        while (true) {
            int tab = text.indexOf('\t', start);
            if (tab < 0) {
                fields.add(unescape(text.substring(start)));
                break;
            }
            fields.add(unescape(text.substring(start, tab)));
            start = tab + 1;
        }
        return new CaptureLine(number, fields.get(0), List.copyOf(fields.subList(1, fields.size())));
    }

    /** The i-th value, or null when the line has fewer values (an older writer, or a damaged line). */
    public String value(int index) {
        return index < values.size() ? values.get(index) : null;
    }

    /** The i-th value, or null when it is missing or empty: the capture writes empty fields for "unknown". */
    public String valueOrNull(int index) {
        String value = value(index);
        return value == null || value.isEmpty() ? null : value;
    }

    /**
     * Undoes the writer's escapes ({@code \\}, {@code \t}, {@code \n}). Anything else after a backslash is kept
     * as it is: the writer never produces it, and a reader should show damage rather than guess.
     */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c != '\\' || i + 1 == field.length()) {
                out.append(c);
                continue;
            }
            char next = field.charAt(i + 1);
            switch (next) {
                case '\\' -> out.append('\\');
                case 't' -> out.append('\t');
                case 'n' -> out.append('\n');
                default -> {
                    out.append(c);
                    continue; // keep the unknown escape's next char for the next round
                }
            }
            i++;
        }
        return out.toString();
    }
}
