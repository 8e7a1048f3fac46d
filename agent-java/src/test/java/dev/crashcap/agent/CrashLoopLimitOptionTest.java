package dev.crashcap.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The agent's {@code crash-loop-limit}: the precedence of every option, and what the upload thread may use is a whole
 * number of 1 or more, as {@code crashcap upload --crash-loop-limit} takes it. Anything else, 0 too (it would send
 * nothing), is said once at arming and the default used. The C parser's twin: agent_options_test.c.
 */
class CrashLoopLimitOptionTest {
    private static final Map<String, String> ENVIRONMENT = Map.of("CRASHCAP_CRASH_LOOP_LIMIT", "7");

    private static Properties property(String value) {
        Properties properties = new Properties();
        properties.setProperty("crashcap.crash-loop-limit", value);
        return properties;
    }

    @Test
    void unsetIsTheDefaultWithoutAWord() {
        AgentOptions options = AgentOptions.parse("", new Properties(), Map.of());
        assertNull(options.count("crash-loop-limit"));
        assertEquals(List.of(), options.warnings());
    }

    @Test
    void argumentOverPropertyOverEnvironment() {
        AgentOptions environment = AgentOptions.parse("", new Properties(), ENVIRONMENT);
        assertEquals("7", environment.count("crash-loop-limit"));
        assertEquals("environment", environment.source("crash-loop-limit"));
        AgentOptions property = AgentOptions.parse("", property("3"), ENVIRONMENT);
        assertEquals("3", property.count("crash-loop-limit"));
        assertEquals("property", property.source("crash-loop-limit"));
        AgentOptions argument = AgentOptions.parse("url=https://c/x,crash-loop-limit= 1 ", property("3"), ENVIRONMENT);
        assertEquals("1", argument.count("crash-loop-limit"));
        assertEquals("argument", argument.source("crash-loop-limit"));
        assertEquals("https://c/x", argument.value("url"), "a new item, not part of the url");
        assertEquals(List.of(), argument.warnings());
    }

    @Test
    void whatIsNotOneOrMoreIsSaidOnceAndNotUsed() {
        for (String bad : List.of("0", "-1", "many", "1234567890")) {
            AgentOptions options = AgentOptions.parse("crash-loop-limit=" + bad, property("3"), ENVIRONMENT);
            assertEquals(List.of("agent option 'crash-loop-limit=" + bad + "' is not a whole number of 1 or more; the"
                    + " default is used"), options.warnings());
            assertNull(options.count("crash-loop-limit"), "not the property's 3 either: " + bad);
        }
        AgentOptions fromEnvironment = AgentOptions.parse("", new Properties(),
                Map.of("CRASHCAP_CRASH_LOOP_LIMIT", "0"));
        assertEquals(1, fromEnvironment.warnings().size(), fromEnvironment.warnings().toString());
    }

    @Test
    void theDiskCapStaysACountOfZeroOrMore() {
        AgentOptions options = AgentOptions.parse("max-bundles=0,crash-loop-limit=100", new Properties(), Map.of());
        assertEquals("0", options.count("max-bundles"));
        assertEquals("100", options.count("crash-loop-limit"));
        assertEquals(List.of(), options.warnings());
    }
}
