package dev.crashcap.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How the agent tells the crashcap CLI's own JVM from an application's (ContainerRecipeIT runs it for real). */
class CliJvmTest {
    @Test
    void theCliByItsMainClass() {
        assertTrue(CliJvm.isCliMain("dev.crashcap.cli.Main"));
        assertTrue(CliJvm.isCliMain("dev.crashcap.cli.Main dump 1"));
        assertTrue(CliJvm.isCliMain("dev.crashcap.launch.Main"));
        assertTrue(CliJvm.isCliMain("dev.crashcap.launch.Main dump 1"));
        assertFalse(CliJvm.isCliMain("dev.crashcap.launch.Mainly"));
        assertFalse(CliJvm.isCliMain("dev.crashcap.cli.MainSomething"));
        assertFalse(CliJvm.isCliMain("com.example.Shop dev.crashcap.cli.Main"));
        assertFalse(CliJvm.isCliMain(null));
    }

    @Test
    void theMainJarOfJavaDashJar() {
        assertEquals("/opt/crashcap/lib/crashcap.jar",
                CliJvm.mainJar("/opt/crashcap/lib/crashcap.jar dump 1", "/opt/crashcap/lib/crashcap.jar"));
        assertEquals("lib/crashcap.jar", CliJvm.mainJar("lib/crashcap.jar", "lib/crashcap.jar"));
        // a folder with a space in it: the arguments start after the jar, not at the first space
        assertEquals("/opt/my tools/crashcap.jar",
                CliJvm.mainJar("/opt/my tools/crashcap.jar list", "/opt/my tools/crashcap.jar:/opt/agent.jar"));
    }

    @Test
    void noMainJarForAMainClass() {
        assertNull(CliJvm.mainJar("com.example.Shop serve", "/app/shop.jar:/app/lib/dep.jar"));
        assertNull(CliJvm.mainJar("/app/shop.jarx", "/app/shop.jar"));
        assertNull(CliJvm.mainJar(null, "/app/shop.jar"));
        assertNull(CliJvm.mainJar("/app/shop.jar", null));
        assertNull(CliJvm.mainJar("", ""));
    }
}
