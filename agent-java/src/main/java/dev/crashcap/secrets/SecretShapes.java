package dev.crashcap.secrets;

/**
 * Secrets told by their value, whatever the variable holding them is called: the shapes issuers give their tokens
 * so that scanners can find them. Each is replaced by {@value Redaction#REDACTED}; the prefix that names the kind
 * ({@code AKIA}, {@code ghp_}, {@code Bearer}, the PEM markers) is kept, so a reader still sees what was there.
 * <ul>
 *   <li>AWS access key ids: {@code AKIA…}/{@code ASIA…} and 16 more upper-case letters or digits;</li>
 *   <li>GitHub tokens: {@code ghp_}, {@code gho_}, {@code ghu_}, {@code ghs_}, {@code ghr_}, {@code github_pat_};</li>
 *   <li>Slack tokens {@code xoxb-}, {@code xoxp-}, {@code xoxa-}, {@code xoxr-}, {@code xoxs-}, and webhook URLs
 *       {@code hooks.slack.com/services/…};</li>
 *   <li>JSON Web Tokens: {@code eyJ…}.{@code eyJ…}.signature (base64url of a JSON header and payload);</li>
 *   <li>PEM private key blocks: everything between {@code -----BEGIN … PRIVATE KEY-----} and its END line;</li>
 *   <li>{@code Authorization: <scheme> <credentials>} and {@code Bearer <token>};</li>
 *   <li>secret-named parameters in URLs and JDBC strings: {@code ?password=…}, {@code ;password=…},
 *       {@code &access_token=…} (names as {@link Redaction#isSecretName}).</li>
 * </ul>
 * A hand-written scanner, no regular expressions (premain start-up time); one pass, linear in the text.
 */
final class SecretShapes {
    private static final String[] GITHUB_PREFIXES = {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"};
    private static final String SLACK_WEBHOOK = "hooks.slack.com/services/";

    private SecretShapes() {}

    static String redact(String text) {
        StringBuilder out = null;
        int copied = 0;
        int i = 0;
        // Most characters cannot start a secret (match returns 0 for any not listed below): they are passed over in
        // one loop over an array, without match's calls. In premain, which runs interpreted, a few calls per
        // character of the environment were most of the header's cost, and got a dozen String methods compiled.
        char[] chars = text.toCharArray();
        while (i < chars.length) {
            switch (chars[i]) {
                case '-', 'A', 'a', 'B', 'b', 'e', 'g', 'h', 'x', '?', '&', ';': // the first characters of match's shapes
                    break;
                default:
                    i++;
                    continue;
            }
            long span = match(text, i);
            if (span == 0) {
                i++;
                continue;
            }
            int start = (int) (span >>> 32);
            int end = (int) span;
            if (out == null) out = new StringBuilder(text.length());
            out.append(text, copied, start).append(Redaction.REDACTED);
            copied = end;
            i = Math.max(end, i + 1);
        }
        if (out == null) return text;
        return out.append(text, copied, text.length()).toString();
    }

    /** The secret starting at {@code i} as (start << 32 | end), or 0 if none starts there. */
    private static long match(String text, int i) {
        char c = text.charAt(i);
        boolean boundary = i == 0 || !isAlphanumeric(text.charAt(i - 1));
        if (c == '-' && text.startsWith("-----BEGIN ", i)) return pemBlock(text, i);
        if (boundary && (text.startsWith("AKIA", i) || text.startsWith("ASIA", i))) {
            int end = run(text, i + 4, UPPER_DIGITS);
            if (end - i == 20 && (end == text.length() || !isAlphanumeric(text.charAt(end)))) return span(i + 4, end);
            return 0;
        }
        if (boundary && c == 'g') {
            for (String prefix : GITHUB_PREFIXES) {
                if (text.startsWith(prefix, i)) return atLeast(text, i + prefix.length(), ALPHANUMERIC, 30);
            }
            if (text.startsWith("github_pat_", i)) return atLeast(text, i + 11, ALPHANUMERIC_UNDERSCORE, 20);
            return 0;
        }
        if (boundary && c == 'x' && text.startsWith("xox", i) && i + 4 < text.length()
                && "abprs".indexOf(text.charAt(i + 3)) >= 0 && text.charAt(i + 4) == '-') {
            return atLeast(text, i + 5, SLACK_CHARS, 10);
        }
        if (c == 'h' && text.startsWith(SLACK_WEBHOOK, i)) {
            return atLeast(text, i + SLACK_WEBHOOK.length(), SLACK_PATH, 1);
        }
        if (boundary && c == 'e' && text.startsWith("eyJ", i)) return jwt(text, i);
        if (boundary && (c == 'A' || c == 'a') && text.regionMatches(true, i, "authorization:", 0, 14)) {
            return authorization(text, i + 14);
        }
        if (boundary && (c == 'B' || c == 'b') && text.regionMatches(true, i, "bearer ", 0, 7)) {
            return credentials(text, skipSpaces(text, i + 7));
        }
        if (c == '?' || c == '&' || c == ';') return secretParameter(text, i + 1);
        return 0;
    }

    private static long pemBlock(String text, int begin) {
        int markerEnd = text.indexOf("-----", begin + 11);
        if (markerEnd < 0 || text.lastIndexOf("PRIVATE KEY", markerEnd) < begin) return 0;
        int keyStart = markerEnd + 5;
        int end = text.indexOf("-----END ", keyStart);
        return span(keyStart, end < 0 ? text.length() : end);
    }

    private static long jwt(String text, int i) {
        int headerEnd = run(text, i, BASE64URL);
        if (headerEnd - i < 10 || headerEnd >= text.length() || text.charAt(headerEnd) != '.') return 0;
        int payloadEnd = run(text, headerEnd + 1, BASE64URL);
        if (payloadEnd - headerEnd - 1 < 10) return 0;
        int end = payloadEnd;
        if (end < text.length() && text.charAt(end) == '.') end = run(text, end + 1, BASE64URL);
        return span(i, end);
    }

    /** After {@code Authorization:}: an optional scheme word ({@code Bearer}, {@code Basic}), then credentials. */
    private static long authorization(String text, int i) {
        int start = skipSpaces(text, i);
        int word = run(text, start, LETTERS);
        if (word > start && word < text.length() && text.charAt(word) == ' ') {
            int after = skipSpaces(text, word);
            if (credentialsEnd(text, after) > after) start = after;
        }
        return credentials(text, start);
    }

    private static long credentials(String text, int start) {
        int end = credentialsEnd(text, start);
        return end > start ? span(start, end) : 0;
    }

    private static int credentialsEnd(String text, int start) {
        int end = start;
        while (end < text.length() && " \t\r\n\"',;".indexOf(text.charAt(end)) < 0) end++;
        return end;
    }

    /** {@code name=value} after {@code ?}, {@code &} or {@code ;}: the value, if the name looks like a secret's. */
    private static long secretParameter(String text, int i) {
        int nameEnd = run(text, i, PARAMETER_NAME);
        if (nameEnd == i || nameEnd >= text.length() || text.charAt(nameEnd) != '=') return 0;
        if (!Redaction.isSecretName(text.substring(i, nameEnd))) return 0;
        int start = nameEnd + 1;
        int end = start;
        while (end < text.length() && " \t\r\n\"'&;#".indexOf(text.charAt(end)) < 0) end++;
        return end > start && !text.startsWith(Redaction.REDACTED, start) ? span(start, end) : 0;
    }

    private static long atLeast(String text, int start, String alphabet, int minimum) {
        int end = run(text, start, alphabet);
        return end - start >= minimum ? span(start, end) : 0;
    }

    private static int run(String text, int start, String alphabet) {
        int end = start;
        while (end < text.length() && alphabet.indexOf(text.charAt(end)) >= 0) end++;
        return end;
    }

    private static int skipSpaces(String text, int i) {
        while (i < text.length() && text.charAt(i) == ' ') i++;
        return i;
    }

    private static long span(int start, int end) {
        return ((long) start << 32) | end;
    }

    private static boolean isAlphanumeric(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static final String UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String ALPHANUMERIC = UPPER_DIGITS + "abcdefghijklmnopqrstuvwxyz";
    private static final String ALPHANUMERIC_UNDERSCORE = ALPHANUMERIC + "_";
    private static final String BASE64URL = ALPHANUMERIC + "_-";
    private static final String SLACK_CHARS = ALPHANUMERIC + "-";
    private static final String SLACK_PATH = ALPHANUMERIC + "/_-";
    private static final String PARAMETER_NAME = ALPHANUMERIC + "_.-";
}
