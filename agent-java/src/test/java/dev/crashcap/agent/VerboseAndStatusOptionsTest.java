package dev.crashcap.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * {@code verbose} as a flag, with its source. (The option records {@code crashcap status} shows are rendered natively,
 * agent_arming.c, for every way in: StatusIT checks them on real JVMs, RedactionCasesTest and redaction_test the rules.)
 */
class VerboseAndStatusOptionsTest {
    @Test
    void verboseIsOffUnlessSetToTrue() {
        assertFalse(AgentOptions.parse("", new Properties(), Map.of()).verbose());
        assertTrue(AgentOptions.parse("verbose=true", new Properties(), Map.of()).verbose());
        assertTrue(AgentOptions.parse("", new Properties(), Map.of("CRASHCAP_VERBOSE", "1")).verbose());
        assertFalse(AgentOptions.parse("verbose=no", new Properties(), Map.of("CRASHCAP_VERBOSE", "yes")).verbose());
    }

    @Test
    void aBarePropertyTurnsItOn() {
        Properties properties = new Properties();
        properties.setProperty("crashcap.verbose", ""); // -Dcrashcap.verbose
        AgentOptions options = AgentOptions.parse("", properties, Map.of());
        assertTrue(options.verbose());
        assertEquals("property", options.source("verbose"));
        assertEquals(List.of(), options.warnings());
    }

    @Test
    void anythingElseWarnsOnceAndIsOff() {
        AgentOptions options = AgentOptions.parse("verbose=loud", new Properties(), Map.of());
        assertFalse(options.verbose());
        assertEquals(List.of("agent option 'verbose=loud' is not true or false; false is used"), options.warnings());
    }
}
