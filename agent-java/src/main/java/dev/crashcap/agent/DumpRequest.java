package dev.crashcap.agent;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request from {@code crashcap dump}, carried in the agent argument next to the ordinary options:
 * {@code [<options>,]dump=<id>:<folder>[,dumpReply=<file>]}. The folder is URL-encoded, so that commas and '=' in a
 * path cannot split the options; empty means the folder the agent was armed with. The id is the CLI's, so that two
 * dumps running at once each find their own result ({@link #resultProperty}). The reply file, when given, is one the
 * CLI created for the answer ({@link DumpReply}); an agent that does not know it leaves it empty, and the CLI asks for
 * the system properties instead.
 */
public record DumpRequest(String id, String folder, String reply) {
    private static final String PREFIX = "dump=";
    private static final String REPLY_PREFIX = "dumpReply=";

    public DumpRequest(String id, String folder) {
        this(id, folder, "");
    }

    /** The agent argument items for this request. */
    public String option() {
        return PREFIX + id + ":" + URLEncoder.encode(folder, StandardCharsets.UTF_8)
                + (reply.isEmpty() ? "" : "," + REPLY_PREFIX + URLEncoder.encode(reply, StandardCharsets.UTF_8));
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

    /**
     * The property the native dump (agent-native/src/arming/native_dump.c) answers with when it leaves the dump to the
     * Java agent (a crashcap library other than the one it was loaded from armed the JVM meanwhile).
     */
    public static String fallbackProperty(String id) {
        return "crashcap.dumpFallback." + id;
    }

    /** The dump request in an agent argument, or null if there is none. */
    static DumpRequest find(String agentArgument) {
        DumpRequest found = null;
        String reply = "";
        for (String item : items(agentArgument)) {
            if (item.startsWith(PREFIX) && found == null) {
                String value = item.substring(PREFIX.length());
                int colon = value.indexOf(':');
                if (colon > 0) {
                    found = new DumpRequest(value.substring(0, colon),
                            URLDecoder.decode(value.substring(colon + 1), StandardCharsets.UTF_8));
                }
            } else if (item.startsWith(REPLY_PREFIX)) {
                reply = URLDecoder.decode(item.substring(REPLY_PREFIX.length()), StandardCharsets.UTF_8);
            }
        }
        return found == null ? null : new DumpRequest(found.id(), found.folder(), reply);
    }

    /** The agent argument without the dump request: the options to arm with. */
    static String withoutRequest(String agentArgument) {
        List<String> kept = new ArrayList<>();
        for (String item : items(agentArgument)) {
            if (!item.startsWith(PREFIX) && !item.startsWith(REPLY_PREFIX)) kept.add(item);
        }
        return String.join(",", kept);
    }

    private static String[] items(String agentArgument) {
        return agentArgument == null || agentArgument.isBlank() ? new String[0] : agentArgument.trim().split(",");
    }
}
