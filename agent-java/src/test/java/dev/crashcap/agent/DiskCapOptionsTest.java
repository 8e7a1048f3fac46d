package dev.crashcap.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The agent's disk cap options: what is not a count of 0 or more is said once, at arming, and not used. */
class DiskCapOptionsTest {
    @Test
    void negativeAndNonNumericCapsWarnAndAreNotUsed() {
        AgentOptions options = AgentOptions.parse("max-bundles=-1,max-mb=abc", new Properties(), Map.of());
        assertEquals(List.of(
                "agent option 'max-bundles=-1' is not a whole number of 0 or more; the default is used",
                "agent option 'max-mb=abc' is not a whole number of 0 or more; the default is used"), options.warnings());
        assertNull(options.count("max-bundles"));
        assertNull(options.count("max-mb"));
    }

    @Test
    void fromTheEnvironmentToo() {
        AgentOptions options = AgentOptions.parse("", new Properties(), Map.of("CRASHCAP_MAX_MB", "-5"));
        assertEquals(1, options.warnings().size(), options.warnings().toString());
        assertNull(options.count("max-mb"));
    }

    @Test
    void goodCapsAreUsedWithoutAWord() {
        AgentOptions options = AgentOptions.parse("max-bundles=0,max-mb= 20 ", new Properties(), Map.of());
        assertEquals(List.of(), options.warnings());
        assertEquals("0", options.count("max-bundles"));
        assertEquals("20", options.count("max-mb"));
    }
}
