package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.testapp.Crasher;
import dev.crashcap.testapp.HealthyApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With the agent armed, everything HotSpot does with signals still works, and nothing is captured. */
class HealthyJvmIT {
    @TempDir
    Path work;

    @Test
    void jvmBehavesExactlyAsWithoutTheAgent() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.Result plain = TestJvm.runWithoutAgent(work.resolve("plain"), HealthyApp.class.getName());
        TestJvm.Result armed = TestJvm.runWithAgent(work.resolve("armed"), bundles, List.of(), Map.of(),
                HealthyApp.class.getName());

        assertEquals(HealthyApp.EXIT_CODE, plain.exitCode(), plain.stderr());
        assertEquals(HealthyApp.EXIT_CODE, armed.exitCode(), armed.stderr());
        assertEquals(plain.stdout(), armed.stdout());
        assertTrue(armed.stdout().contains("stack overflow depth>1000=true"), armed.stdout());
        assertTrue(armed.stdout().contains("null checks=100000"), armed.stdout());
        assertEquals("", armed.stderr(), "no stray output from the agent");
        try (var entries = Files.list(bundles)) {
            assertEquals(0, entries.count(), "a healthy JVM leaves no bundle");
        }
        try (var entries = Files.list(work.resolve("armed"))) {
            assertFalse(entries.anyMatch(p -> p.getFileName().toString().startsWith("hs_err")), "no hs_err");
        }
    }

    @Test
    void compiledCodeImplicitChecksStillThrow() throws Exception {
        // -Xcomp compiles everything first: the null checks and divisions run as implicit (signal-based)
        // checks in compiled code, which must still become exceptions.
        Path bundles = work.resolve("bundles");
        TestJvm.Result armed = TestJvm.runWithAgent(work, bundles, List.of("-Xcomp", "-XX:-TieredCompilation"),
                Map.of(), HealthyApp.class.getName());
        assertEquals(HealthyApp.EXIT_CODE, armed.exitCode(), armed.stdout() + armed.stderr());
        assertTrue(armed.stdout().contains("divisions by zero=100000"), armed.stdout());
    }

    @Test
    void unknownOptionIsOneLineAndTheAgentStillArms() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.Result result = TestJvm.runWithAgentOptions(work, "dir=" + bundles + ",bogus=1", List.of(), Map.of(),
                Crasher.class.getName(), "segv");
        assertEquals("crashcap: unknown agent option 'bogus' ignored (known: dir, url, token, sentry-dsn, max-bundles, max-mb, release, environment, in-app, verbose, stack-memory, sentry-minidump)", result.stderr().lines().findFirst().orElse(""));
        assertTrue(Inspect.onlyBundle(bundles).getFileName().toString().startsWith("crash-"));
    }
}
