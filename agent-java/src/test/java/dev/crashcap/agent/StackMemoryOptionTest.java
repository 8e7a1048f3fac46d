package dev.crashcap.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * stack-memory and sentry-minidump: bad values said once at arming. (What stack-memory means in KiB, its default and
 * cap, is the native arming's: agent-native/test/agent_options_test.c.)
 */
class StackMemoryOptionTest {
    @Test
    void aStackMemoryThatIsNoCountIsSaidAndTheDefaultUsed() {
        AgentOptions options = AgentOptions.parse("stack-memory=-5", new Properties(), Map.of());
        assertEquals(1, options.warnings().size(), options.warnings().toString());
        assertTrue(options.warnings().get(0).contains("stack-memory=-5"), options.warnings().get(0));
    }

    @Test
    void sentryMinidumpIsTrueOnlyWhenSaid() {
        assertFalse(AgentOptions.parse("", new Properties(), Map.of()).sentryMinidump());
        assertTrue(AgentOptions.parse("", new Properties(), Map.of("CRASHCAP_SENTRY_MINIDUMP", "true")).sentryMinidump());
        // a flag like verbose: true, 1 and yes are on
        assertTrue(AgentOptions.parse("sentry-minidump=yes", new Properties(), Map.of()).sentryMinidump());
        AgentOptions odd = AgentOptions.parse("sentry-minidump=sure", new Properties(), Map.of());
        assertFalse(odd.sentryMinidump());
        assertEquals(List.of("agent option 'sentry-minidump=sure' is not true or false; false is used"), odd.warnings());
    }
}
