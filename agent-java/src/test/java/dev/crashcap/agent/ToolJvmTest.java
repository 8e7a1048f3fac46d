package dev.crashcap.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How the agent tells a tool's JVM (the crashcap CLI, a JDK tool) from an application's (ContainerRecipeIT runs it for real). */
class ToolJvmTest {
    @Test
    void jdkToolsByTheirMainModule() {
        assertTrue(ToolJvm.isJdkModule("jdk.jcmd")); // jcmd, jps, jstack
        assertTrue(ToolJvm.isJdkModule("java.base")); // keytool
        assertFalse(ToolJvm.isJdkModule("com.example.shop"));
        assertFalse(ToolJvm.isJdkModule("jdkstuff.app"));
        assertFalse(ToolJvm.isJdkModule(null)); // a main class on the class path
    }

    @Test
    void theCliByItsMainClass() {
        assertTrue(ToolJvm.isCliMain("dev.crashcap.cli.Main"));
        assertTrue(ToolJvm.isCliMain("dev.crashcap.cli.Main dump 1"));
        assertTrue(ToolJvm.isCliMain("dev.crashcap.launch.Main"));
        assertTrue(ToolJvm.isCliMain("dev.crashcap.launch.Main dump 1"));
        assertFalse(ToolJvm.isCliMain("dev.crashcap.launch.Mainly"));
        assertFalse(ToolJvm.isCliMain("dev.crashcap.cli.MainSomething"));
        assertFalse(ToolJvm.isCliMain("com.example.Shop dev.crashcap.cli.Main"));
        assertFalse(ToolJvm.isCliMain(null));
    }

    @Test
    void theMainJarOfJavaDashJar() {
        assertEquals("/opt/crashcap/lib/crashcap.jar",
                ToolJvm.mainJar("/opt/crashcap/lib/crashcap.jar dump 1", "/opt/crashcap/lib/crashcap.jar"));
        assertEquals("lib/crashcap.jar", ToolJvm.mainJar("lib/crashcap.jar", "lib/crashcap.jar"));
        // a folder with a space in it: the arguments start after the jar, not at the first space
        assertEquals("/opt/my tools/crashcap.jar",
                ToolJvm.mainJar("/opt/my tools/crashcap.jar list", "/opt/my tools/crashcap.jar:/opt/agent.jar"));
    }

    @Test
    void noMainJarForAMainClass() {
        assertNull(ToolJvm.mainJar("com.example.Shop serve", "/app/shop.jar:/app/lib/dep.jar"));
        assertNull(ToolJvm.mainJar("/app/shop.jarx", "/app/shop.jar"));
        assertNull(ToolJvm.mainJar(null, "/app/shop.jar"));
        assertNull(ToolJvm.mainJar("/app/shop.jar", null));
        assertNull(ToolJvm.mainJar("", ""));
    }
}
