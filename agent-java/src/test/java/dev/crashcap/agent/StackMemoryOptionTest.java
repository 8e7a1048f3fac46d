package dev.crashcap.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** stack-memory and sentry-minidump: the precedence of every option, and bad values said once at arming. */
class StackMemoryOptionTest {
    @Test
    void stackMemoryDefaultsTo32KibAndFollowsThePrecedence() {
        assertEquals(32, AgentOptions.parse("", new Properties(), Map.of()).stackMemoryKib());
        Properties properties = new Properties();
        properties.setProperty("crashcap.stack-memory", "64");
        assertEquals(64, AgentOptions.parse("", properties, Map.of("CRASHCAP_STACK_MEMORY", "8")).stackMemoryKib());
        assertEquals(8, AgentOptions.parse("", new Properties(), Map.of("CRASHCAP_STACK_MEMORY", "8")).stackMemoryKib());
        assertEquals(0, AgentOptions.parse("stack-memory=0", properties, Map.of()).stackMemoryKib(), "0 turns it off");
        assertEquals(AgentOptions.MAX_STACK_MEMORY_KIB,
                AgentOptions.parse("stack-memory=999999", new Properties(), Map.of()).stackMemoryKib());
    }

    @Test
    void aStackMemoryThatIsNoCountIsSaidAndTheDefaultUsed() {
        AgentOptions options = AgentOptions.parse("stack-memory=-5", new Properties(), Map.of());
        assertEquals(32, options.stackMemoryKib());
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
