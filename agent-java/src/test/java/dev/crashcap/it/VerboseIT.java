package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.testapp.HealthyApp;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent says that it armed, and where bundles go, in one line on stderr when asked ({@code verbose=true},
 * {@code -Dcrashcap.verbose}, {@code CRASHCAP_VERBOSE}), and nothing otherwise.
 */
class VerboseIT {
    @TempDir
    Path work;

    @Test
    void silentUnlessAsked() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.Result jvm = TestJvm.runWithAgent(work, bundles, List.of(), Map.of(), HealthyApp.class.getName());
        assertEquals(HealthyApp.EXIT_CODE, jvm.exitCode(), jvm.toString());
        assertEquals("", jvm.stderr());
    }

    @Test
    void oneLineWhenAskedByTheAgentArgument() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.Result jvm = TestJvm.runWithAgentOptions(work, "dir=" + bundles + ",verbose=true", List.of(), Map.of(),
                HealthyApp.class.getName());
        assertArmedLine(jvm, bundles);
    }

    @Test
    void oneLineWhenAskedByABarePropertyOrTheEnvironment() throws Exception {
        Path bundles = work.resolve("bundles");
        assertArmedLine(TestJvm.runWithAgent(work, bundles, List.of("-Dcrashcap.verbose"), Map.of(),
                HealthyApp.class.getName()), bundles);
        assertArmedLine(TestJvm.runWithAgent(work, bundles, List.of(), Map.of("CRASHCAP_VERBOSE", "true"),
                HealthyApp.class.getName()), bundles);
        TestJvm.Result off = TestJvm.runWithAgent(work, bundles, List.of("-Dcrashcap.verbose=false"),
                Map.of("CRASHCAP_VERBOSE", "true"), HealthyApp.class.getName());
        assertEquals("", off.stderr(), "the property wins over the environment");
    }

    private static void assertArmedLine(TestJvm.Result jvm, Path bundles) {
        assertEquals(HealthyApp.EXIT_CODE, jvm.exitCode(), jvm.toString());
        assertEquals(1, jvm.stderr().lines().count(), jvm.stderr());
        String line = jvm.stderr().strip();
        String expected = "crashcap (\\S+): armed pid " + jvm.pid() + ", crash bundles go to " + Pattern.quote(bundles.toString());
        assertTrue(line.matches(expected), line);
    }
}
