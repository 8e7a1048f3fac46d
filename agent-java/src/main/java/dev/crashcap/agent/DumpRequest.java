package dev.crashcap.agent;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request from {@code crashcap dump}, carried in the agent argument next to the ordinary options:
 * {@code [<options>,]dump=<id>:<folder>}. The folder is URL-encoded, so that commas and '=' in a path cannot split
 * the options; empty means the folder the agent was armed with. The id is the CLI's, so that two dumps running at
 * once each find their own result ({@link #resultProperty}).
 */
public record DumpRequest(String id, String folder) {
    private static final String PREFIX = "dump=";

    /** The agent argument item for this request. */
    public String option() {
        return PREFIX + id + ":" + URLEncoder.encode(folder, StandardCharsets.UTF_8);
    }

    /** The system property the agent publishes the bundle path in. */
    public static String resultProperty(String id) {
        return "crashcap.dump." + id;
    }

    /** The system property the agent sets when this request armed the JVM (it was not armed before). */
    public static String armedNowProperty(String id) {
        return "crashcap.dumpArmed." + id;
    }

    /** The system property the agent publishes a failed dump's one-line reason in. */
    public static String errorProperty(String id) {
        return "crashcap.dumpError." + id;
    }

    /** The system property the agent publishes, next to the result, what the snapshot lacks (its locks), in one line. */
    public static String warningProperty(String id) {
        return "crashcap.dumpWarning." + id;
    }

    /** The dump request in an agent argument, or null if there is none. */
    static DumpRequest find(String agentArgument) {
        for (String item : items(agentArgument)) {
            if (item.startsWith(PREFIX)) {
                String value = item.substring(PREFIX.length());
                int colon = value.indexOf(':');
                if (colon > 0) {
                    return new DumpRequest(value.substring(0, colon),
                            URLDecoder.decode(value.substring(colon + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return null;
    }

    /** The agent argument without the dump request: the options to arm with. */
    static String withoutRequest(String agentArgument) {
        List<String> kept = new ArrayList<>();
        for (String item : items(agentArgument)) {
            if (!item.startsWith(PREFIX)) kept.add(item);
        }
        return String.join(",", kept);
    }

    private static String[] items(String agentArgument) {
        return agentArgument == null || agentArgument.isBlank() ? new String[0] : agentArgument.trim().split(",");
    }
}
