package dev.crashcap.attach;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JvmFlagsTest {
    @Test
    void fromTheCommandLine() {
        assertTrue(JvmFlags.of(List.of("java", "-XX:+DisableAttachMechanism", "-cp", "x", "Main"), Map.of()).attachDisabled());
        assertFalse(JvmFlags.of(List.of("java", "-cp", "x", "Main"), Map.of()).attachDisabled());
    }

    @Test
    void theLastSettingWinsInHotSpotsOrder() {
        Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-XX:+DisableAttachMechanism");
        assertTrue(JvmFlags.of(List.of("java", "Main"), env).attachDisabled());
        assertFalse(JvmFlags.of(List.of("java", "-XX:-DisableAttachMechanism", "Main"), env).attachDisabled());
        assertTrue(JvmFlags.of(List.of("java", "-XX:-DisableAttachMechanism", "Main"),
                Map.of("_JAVA_OPTIONS", "-Xmx1g  -XX:+DisableAttachMechanism")).attachDisabled());
    }

    @Test
    void applicationArgumentsAreNotJvmOptions() {
        assertFalse(JvmFlags.of(List.of("java", "-cp", "-XX:+DisableAttachMechanism", "Main"), Map.of()).attachDisabled());
        assertFalse(JvmFlags.of(List.of("java", "Main", "-XX:+DisableAttachMechanism"), Map.of()).attachDisabled());
        assertFalse(JvmFlags.of(List.of("java", "-jar", "app.jar", "-XX:+DisableAttachMechanism"), Map.of()).attachDisabled());
    }

    @Test
    void xrsIsReduceSignalUsage() {
        assertTrue(JvmFlags.of(List.of("java", "-Xrs", "Main"), Map.of()).reducedSignals());
        assertFalse(JvmFlags.of(List.of("java", "Main"), Map.of()).reducedSignals());
    }
}
