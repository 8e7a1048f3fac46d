package dev.crashcap.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The options that reach the Sentry event: release, environment, in-app (docs/ship.md, "Sentry"). */
class SentryOptionsTest {
    @Test
    void inAppKeepsItsCommasAndTheNextOptionStillStarts() {
        AgentOptions options = AgentOptions.parse("in-app=com.example,org.acme,release=2.0,dir=/tmp/c",
                new Properties(), Map.of());
        assertEquals("com.example,org.acme", options.value("in-app"));
        assertEquals("2.0", options.value("release"));
        assertEquals("/tmp/c", options.value("dir"));
        assertTrue(options.warnings().isEmpty(), options.warnings().toString());
    }

    @Test
    void sentrysVariablesAreTheDefaultsAndCrashcapsOwnSettingsWin() {
        Map<String, String> sentryOnly = Map.of("SENTRY_RELEASE", "shop@1.0", "SENTRY_ENVIRONMENT", "production");
        AgentOptions defaults = AgentOptions.parse("", new Properties(), sentryOnly);
        assertEquals("shop@1.0", defaults.value("release"));
        assertEquals("production", defaults.value("environment"));

        Properties properties = new Properties();
        properties.setProperty("crashcap.environment", "staging");
        Map<String, String> both = Map.of("SENTRY_RELEASE", "shop@1.0", "SENTRY_ENVIRONMENT", "production",
                "CRASHCAP_RELEASE", "shop@1.1", "CRASHCAP_IN_APP", "com.example");
        AgentOptions mixed = AgentOptions.parse("", properties, both);
        assertEquals("shop@1.1", mixed.value("release"), "CRASHCAP_RELEASE over SENTRY_RELEASE");
        assertEquals("staging", mixed.value("environment"), "-Dcrashcap.environment over SENTRY_ENVIRONMENT");
        assertEquals("com.example", mixed.value("in-app"));
        assertEquals("shop@2.0", AgentOptions.parse("release=shop@2.0", properties, both).value("release"));
        assertNull(AgentOptions.parse("", new Properties(), Map.of()).value("release"));
    }
}
