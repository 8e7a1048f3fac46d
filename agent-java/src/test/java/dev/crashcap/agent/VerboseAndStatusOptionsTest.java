package dev.crashcap.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@code verbose} as a flag, and the option records {@code crashcap status} shows: sources, secrets redacted. */
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

    @Test
    void statusRecordsNameTheSourceAndRedactSecrets() {
        Properties properties = new Properties();
        properties.setProperty("crashcap.url", "https://user:hunter2@collector.example.com/in");
        AgentOptions options = AgentOptions.parse("dir=/var/crash\tx,sentry-dsn=https://abc123@o1.example.com/7",
                properties, Map.of("CRASHCAP_TOKEN", "s3cr3t", "SENTRY_RELEASE", "app@1.2"));
        assertEquals("option\tdir\t/var/crash\\tx\targument\n"
                + "option\turl\thttps://user:<redacted>@collector.example.com/in\tproperty\n"
                + "option\ttoken\t<redacted>\tenvironment\n"
                + "option\tsentry-dsn\t<redacted>\targument\n"
                + "option\trelease\tapp@1.2\tenvironment\n", StatusRecords.of(options));
    }
}
