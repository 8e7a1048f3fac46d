package dev.crashcap.secrets;

import java.util.ArrayList;
import java.util.List;

/**
 * Agent options written {@code name=value,name=value} (crashcap's own after {@code -javaagent:crashcap.jar=}, and
 * any other agent's on a command line), split so that a comma inside a value cannot cut a secret in two: one rule
 * for arming and for redaction, so what the agent uses as its token is exactly what the bundle redacts.
 * <p>
 * A comma starts a new item only when what follows it is {@code name=} and either the name is one of crashcap's
 * options ({@link #CRASHCAP_OPTIONS}, and {@code dump}), or the item before it is not a secret. Anything else after a
 * comma continues the value before it: {@code dir=/a,b} is the folder {@code /a,b}; {@code token=a,b} and
 * {@code token=a,b=c} are the tokens {@code a,b} and {@code a,b=c}, redacted whole. So an unknown option right after a
 * secret is taken as part of the secret (never shown), and any other unknown option is still reported.
 */
public final class OptionItems {
    /** crashcap's agent option names, in the order the README lists them. */
    public static final List<String> CRASHCAP_OPTIONS = List.of("dir", "url", "token", "sentry-dsn", "max-bundles",
            "max-mb", "crash-loop-limit", "release", "environment", "in-app", "verbose", "stack-memory", "sentry-minidump");
    /** The item {@code crashcap dump} adds to the options (dev.crashcap.agent.DumpRequest). */
    private static final String DUMP = "dump";

    private OptionItems() {}

    /** The items of an option string, as described above; empty for an empty string. */
    public static List<String> split(String options) {
        List<String> items = new ArrayList<>();
        if (options.isEmpty()) return items;
        int start = 0;
        for (int comma = options.indexOf(','); comma >= 0; comma = options.indexOf(',', comma + 1)) {
            if (startsItem(options, comma + 1, options.substring(start, comma))) {
                items.add(options.substring(start, comma));
                start = comma + 1;
            }
        }
        items.add(options.substring(start));
        return items;
    }

    /** The option string with every secret redacted: secret-named items whole, token shapes and URL passwords. */
    public static String redact(String options) {
        List<String> redacted = new ArrayList<>();
        for (String item : split(options)) {
            int equals = item.indexOf('=');
            if (equals > 0 && Redaction.isSecretName(item.substring(0, equals).trim())) {
                redacted.add(item.substring(0, equals + 1) + Redaction.REDACTED);
            } else {
                redacted.add(Redaction.text(item));
            }
        }
        return String.join(",", redacted);
    }

    private static boolean startsItem(String options, int at, String itemBefore) {
        String name = nameAt(options, at);
        if (name == null) return false;
        if (CRASHCAP_OPTIONS.contains(name) || name.equals(DUMP)) return true;
        int equals = itemBefore.indexOf('=');
        String nameBefore = equals < 0 ? itemBefore : itemBefore.substring(0, equals);
        return !Redaction.isSecretName(nameBefore.trim());
    }

    /** The option name of a {@code name=…} starting at {@code at}, or null if none does. */
    private static String nameAt(String options, int at) {
        int end = at;
        while (end < options.length() && isNameChar(options.charAt(end))) end++;
        if (end == at || end >= options.length() || options.charAt(end) != '=') return null;
        return options.substring(at, end).trim();
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                || c == '.' || c == ' ';
    }
}
