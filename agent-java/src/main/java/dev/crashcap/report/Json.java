package dev.crashcap.report;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * A small JSON writer (RFC 8259), pretty-printed with two-space indents. Values are plain Java objects:
 * {@code Map} (keys in iteration order, so use a LinkedHashMap), {@code Collection}, {@code String},
 * {@code Boolean}, integral {@code Number}s, finite floating point numbers, and {@code null}.
 */
public final class Json {
    private static final String INDENT = "  ";

    private Json() {
    }

    /** The value as JSON text, without a trailing newline. */
    public static String write(Object value) {
        return write(value, 0);
    }

    /**
     * The value as it is written at {@code depth} inside other values (its inner lines indented for that depth):
     * for writing one element of a long array at a time.
     */
    public static String write(Object value, int depth) {
        StringBuilder out = new StringBuilder();
        write(out, value, depth);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String text) {
            string(out, text);
        } else if (value instanceof Boolean || value instanceof Long || value instanceof Integer
                || value instanceof Short || value instanceof Byte) {
            out.append(value);
        } else if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            out.append(Double.isFinite(number) ? value.toString() : "null"); // JSON has no NaN or Infinity
        } else if (value instanceof Map<?, ?> map) {
            object(out, map, depth);
        } else if (value instanceof Collection<?> collection) {
            array(out, collection, depth);
        } else {
            throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
        }
    }

    private static void object(StringBuilder out, Map<?, ?> map, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<?, ?> entry = entries.next();
            newLine(out, depth + 1);
            string(out, String.valueOf(entry.getKey()));
            out.append(": ");
            write(out, entry.getValue(), depth + 1);
            if (entries.hasNext()) {
                out.append(',');
            }
        }
        newLine(out, depth);
        out.append('}');
    }

    private static void array(StringBuilder out, Collection<?> items, int depth) {
        if (items.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        Iterator<?> iterator = items.iterator();
        while (iterator.hasNext()) {
            newLine(out, depth + 1);
            write(out, iterator.next(), depth + 1);
            if (iterator.hasNext()) {
                out.append(',');
            }
        }
        newLine(out, depth);
        out.append(']');
    }

    private static void newLine(StringBuilder out, int depth) {
        out.append('\n').append(INDENT.repeat(depth));
    }

    /** A JSON string: quote, backslash and control characters escaped, everything else as it is. */
    static void string(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    // Lone surrogates cannot be encoded as UTF-8; escaping them keeps the output valid text.
                    if (c < 0x20 || Character.isSurrogate(c) && !isPairedSurrogate(text, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean isPairedSurrogate(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }
}
