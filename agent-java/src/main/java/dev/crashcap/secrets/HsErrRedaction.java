package dev.crashcap.secrets;

import java.util.Arrays;
import java.util.List;

/**
 * The hs_err file as it may travel in a bundle: HotSpot prints the command line and some environment variables in
 * clear, so the copy crashcap attaches is redacted with the capture's rules ({@link Redaction}):
 * <ul>
 *   <li>{@code Command Line:}, {@code jvm_args:} and {@code java_command:} lines as command-line arguments (split at
 *       spaces, as HotSpot joined them);</li>
 *   <li>the agents' options in the "JVMTI agents" section of newer JDKs
 *       ({@code /x/crashcap.jar path:none, loaded, initialized, instrumentlib options:token=…}) as agent options;</li>
 *   <li>{@code NAME=value} lines (the "Environment Variables" section, {@code JAVA_TOOL_OPTIONS=…}) as environment
 *       variables;</li>
 *   <li>every line for secrets told by their value (URL passwords, token shapes), and PEM private key blocks across
 *       lines.</li>
 * </ul>
 * The copy starts with {@link #NOTE}, so whoever reads it knows it is not HotSpot's file byte for byte.
 */
public final class HsErrRedaction {
    /** The first line of a redacted copy. */
    public static final String NOTE = "# crashcap: secrets in this copy of the hs_err file are replaced by "
            + Redaction.REDACTED + " (docs/ship.md)";

    private static final String AGENT_OPTIONS = " options:";
    private static final List<String> ARGUMENT_LINES = List.of("Command Line: ", "jvm_args: ", "java_command: ");

    private HsErrRedaction() {}

    /** The redacted copy of an hs_err file's text, {@link #NOTE} first. */
    public static String redact(String hsErr) {
        StringBuilder out = new StringBuilder(hsErr.length() + NOTE.length() + 64);
        out.append(NOTE).append('\n');
        // PEM blocks span lines: the value rules see the whole text once the line rules are done
        String[] lines = hsErr.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) out.append('\n');
            out.append(line(lines[i]));
        }
        return Redaction.text(out.toString());
    }

    private static String line(String line) {
        for (String prefix : ARGUMENT_LINES) {
            if (line.startsWith(prefix)) {
                List<String> args = Arrays.asList(line.substring(prefix.length()).split(" ", -1));
                return prefix + String.join(" ", Redaction.arguments(args));
            }
        }
        int options = line.indexOf(AGENT_OPTIONS);
        if (options >= 0 && line.contains(" path:")) {
            int start = options + AGENT_OPTIONS.length();
            return line.substring(0, start) + OptionItems.redact(line.substring(start));
        }
        int equals = line.indexOf('=');
        if (equals > 0 && isVariableName(line, equals)) {
            String name = line.substring(0, equals);
            return name + "=" + Redaction.environmentValue(name, line.substring(equals + 1));
        }
        return line;
    }

    private static boolean isVariableName(String line, int end) {
        for (int i = 0; i < end; i++) {
            char c = line.charAt(i);
            boolean ok = c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (i > 0 && c >= '0' && c <= '9');
            if (!ok) return false;
        }
        return true;
    }
}
