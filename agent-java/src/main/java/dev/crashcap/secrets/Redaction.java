package dev.crashcap.secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Bundles travel (to disk, to collectors, into tickets): secrets are replaced by {@value #REDACTED} before they are
 * written or shipped. The one set of rules crashcap has, used for the capture header (arguments, agent options,
 * environment), the hs_err copy ({@link HsErrRedaction}) and whatever a capture holds that the dying process could
 * not redact (abort messages: the reader and the finisher apply {@link #text}):
 * <ul>
 *   <li>by name: a variable, property or option whose name looks like a secret ({@link #isSecretName});</li>
 *   <li>by value: passwords inside URLs, and well-known token shapes whatever they are called
 *       ({@link SecretShapes}).</li>
 * </ul>
 * Written without regular expressions: this runs in premain, where every class loaded is start-up time.
 */
public final class Redaction {
    public static final String REDACTED = "<redacted>";

    /** Words that mark a secret anywhere in a name, once separators are removed. */
    private static final List<String> SECRET_WORDS = List.of(
            "PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "CREDENTIAL", "PRIVATE", "APIKEY",
            "ACCESSKEY", "AUTH", "COOKIE", "SESSION", "SIGNATURE", "DSN");
    /** Whole name parts that mark a secret: {@code AWS_ACCESS_KEY}, {@code my.api.key}; {@code PWD} is not one. */
    private static final List<String> SECRET_PARTS = List.of("KEY", "PASS", "PW", "PIN");

    private Redaction() {}

    /** True when a variable, property or option of this name probably holds a secret. */
    public static boolean isSecretName(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        StringBuilder squashed = new StringBuilder(upper.length());
        List<String> parts = new ArrayList<>();
        int partStart = 0;
        for (int i = 0; i <= upper.length(); i++) {
            boolean alphanumeric = i < upper.length() && isAlphanumeric(upper.charAt(i));
            if (alphanumeric) {
                squashed.append(upper.charAt(i));
            } else {
                if (i > partStart) parts.add(upper.substring(partStart, i));
                partStart = i + 1;
            }
        }
        for (String word : SECRET_WORDS) {
            if (squashed.indexOf(word) >= 0) return true;
        }
        for (String part : parts) {
            if (SECRET_PARTS.contains(part)) return true;
        }
        return false;
    }

    /**
     * Any text with the secrets that can be told by their value redacted: passwords in URLs and the token shapes
     * of {@link SecretShapes}. For text whose names are not known (abort messages, lines of an hs_err file).
     */
    public static String text(String text) {
        if (text == null) return null;
        return SecretShapes.redact(urlPasswords(text));
    }

    /** An environment variable's value as it may be written: whole, redacted, or with secrets inside redacted. */
    public static String environmentValue(String name, String value) {
        if (isSecretName(name)) return REDACTED;
        if (name.endsWith("_OPTIONS") || name.endsWith("_OPTS")) {
            return String.join(" ", arguments(List.of(value.split(" ", -1))));
        }
        return text(value);
    }

    /**
     * Command-line arguments with secrets redacted: {@code -Ddb.password=x}, {@code --token=x},
     * {@code --password x} (the next argument), the options of {@code -javaagent:} and {@code -agentpath:}
     * ({@link OptionItems}), {@code user:pass@} in URLs, and token shapes anywhere.
     */
    public static List<String> arguments(List<String> args) {
        List<String> result = new ArrayList<>(args.size());
        boolean redactNext = false;
        for (String arg : args) {
            if (redactNext) {
                result.add(REDACTED);
                redactNext = false;
                continue;
            }
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg : arg.substring(0, equals);
            if (equals > 0 && (arg.startsWith("-javaagent:") || arg.startsWith("-agentpath:"))) {
                // an agent's own options, such as crashcap's token= and sentry-dsn=, are items of their own
                result.add(arg.substring(0, equals + 1) + OptionItems.redact(arg.substring(equals + 1)));
            } else if (equals > 0 && isSecretName(optionName(name))) {
                result.add(arg.substring(0, equals + 1) + REDACTED);
            } else if (equals < 0 && name.startsWith("-") && isSecretName(optionName(name))) {
                result.add(arg);
                redactNext = true;
            } else {
                result.add(text(arg));
            }
        }
        return result;
    }

    /** {@code --db-password} → {@code db-password}; {@code -Dx.token} → {@code x.token}; {@code -XX:Flag} → {@code Flag}. */
    static String optionName(String option) {
        int start = 0;
        while (start < option.length() && option.charAt(start) == '-') start++;
        if (start == 1 && option.startsWith("D", start)) start++;
        else if (start == 1 && option.startsWith("XX:", start)) start += 3;
        return start >= option.length() ? option : option.substring(start);
    }

    /** {@code scheme://user:secret@host} → {@code scheme://user:<redacted>@host}, for every URL in the text. */
    static String urlPasswords(String text) {
        StringBuilder out = null;
        int copied = 0;
        for (int scheme = text.indexOf("://"); scheme >= 0; scheme = text.indexOf("://", scheme + 3)) {
            int authorityStart = scheme + 3;
            int authorityEnd = authorityStart;
            while (authorityEnd < text.length() && "/ \t\r\n?#".indexOf(text.charAt(authorityEnd)) < 0) authorityEnd++;
            int at = text.lastIndexOf('@', authorityEnd - 1);
            int colon = text.indexOf(':', authorityStart);
            if (at < authorityStart || colon < 0 || colon > at) continue;
            if (out == null) out = new StringBuilder(text.length());
            out.append(text, copied, colon + 1).append(REDACTED);
            copied = at;
        }
        if (out == null) return text;
        return out.append(text, copied, text.length()).toString();
    }

    private static boolean isAlphanumeric(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
