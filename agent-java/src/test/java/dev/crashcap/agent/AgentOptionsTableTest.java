package dev.crashcap.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The agent's options are parsed twice: here for {@code -javaagent} and attach ({@link AgentOptions}), and in C for
 * {@code -agentpath} (agent-native/src/arming/agent_options.c). One list of names, counts and Sentry defaults: this
 * test reads the C tables and fails when they differ from the Java ones. (How the two parse is the same code shape;
 * AgentpathIT checks the precedence and the warnings of both on real JVMs.)
 */
class AgentOptionsTableTest {
    private static final Path C_OPTIONS = Path.of("../agent-native/src/arming/agent_options.c");

    @Test
    void theCParserKnowsTheSameOptionsAsTheJavaAgent() throws IOException {
        String source = Files.readString(C_OPTIONS);
        assertEquals(AgentOptions.KNOWN, strings(table(source, "CRASHCAP_OPTIONS\\[\\]")));
        assertEquals(AgentOptions.COUNTS, strings(table(source, "COUNTS\\[\\]")));
        assertEquals(AgentOptions.LIMITS, strings(table(source, "LIMITS\\[\\]")));
        assertEquals(AgentOptions.FLAGS, strings(table(source, "FLAGS\\[\\]")));
        List<String> pairs = strings(table(source, "SENTRY_DEFAULTS\\[\\]\\[2\\]"));
        Map<String, String> sentry = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.size(); i += 2) sentry.put(pairs.get(i), pairs.get(i + 1));
        assertEquals(AgentOptions.SENTRY_DEFAULTS, sentry);
    }

    /** The text between the braces of {@code <name> = { … };}. */
    private static String table(String source, String name) {
        Matcher table = Pattern.compile(name + "\\s*=\\s*\\{(.*?)\\};", Pattern.DOTALL).matcher(source);
        assertTrue(table.find(), "agent_options.c defines " + name);
        return table.group(1);
    }

    private static List<String> strings(String text) {
        List<String> strings = new ArrayList<>();
        Matcher string = Pattern.compile("\"([^\"]*)\"").matcher(text);
        while (string.find()) strings.add(string.group(1));
        return strings;
    }
}
