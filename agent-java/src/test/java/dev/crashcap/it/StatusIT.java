package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.AttachTarget;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crashcap status <pid>} against real JVMs: the configuration in force, secrets redacted, how and since when it
 * is armed; and one line with an exit code of its own for a JVM that is not armed, a process that is not a JVM, and
 * one that is gone.
 */
class StatusIT {
    private static final String TOKEN = "tok-4f9a1c2e-secret";
    private static final String DSN_KEY = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path work;

    @Test
    void anArmedJvmShowsItsFolderOptionsVersionAndSinceWhenSecretsRedacted() throws Exception {
        Path bundles = work.resolve("bundles");
        Instant before = Instant.now();
        List<String> options = List.of("-javaagent:" + TestJvm.JAR + "=dir=" + bundles + ",max-mb=50",
                "-Dcrashcap.sentry-dsn=https://" + DSN_KEY + "@o1.ingest.example.com/42",
                "-Dcrashcap.uploadDelayMillis=600000"); // no upload attempt while the test runs
        try (RunningJvm jvm = RunningJvm.start(work.resolve("app"), TestJvm.command(List.of(), options,
                AttachTarget.class.getName()), Map.of("CRASHCAP_TOKEN", TOKEN)).awaitOutput(AttachTarget.READY)) {
            String pid = Long.toString(jvm.pid());
            TestJvm.Result status = TestJvm.cli(work, "status", pid);
            assertEquals(0, status.exitCode(), status.toString());
            assertEquals("", status.stderr());
            String text = status.stdout();
            assertTrue(text.startsWith("pid " + pid + " (Java "), text);
            assertTrue(text.contains(") is armed by crashcap "), text);
            assertTrue(text.contains("  bundle folder: " + bundles + "\n"), text);
            assertTrue(text.contains("  armed by:      -javaagent at start-up\n"), text);
            assertTrue(text.contains("  option:        max-mb=50  (agent argument)\n"), text);
            assertTrue(text.contains("  option:        token=<redacted>  (environment variable)\n"), text);
            assertTrue(text.contains("  option:        sentry-dsn=<redacted>  (-Dcrashcap.sentry-dsn)\n"), text);
            assertFalse(text.contains(TOKEN) || text.contains(DSN_KEY), "no secret leaves the JVM: " + text);

            TestJvm.Result json = TestJvm.cli(work, "status", "--json", pid);
            assertEquals(0, json.exitCode(), json.toString());
            Map<String, Object> object = JsonReader.object(json.stdout());
            assertEquals(jvm.pid(), ((Number) object.get("pid")).longValue());
            assertEquals(true, object.get("armed"));
            assertEquals(bundles.toString(), object.get("bundleFolder"));
            assertEquals("javaagent", object.get("armedBy"));
            Instant since = Instant.parse((String) object.get("armedSince"));
            assertFalse(since.isBefore(before.minusSeconds(1)) || since.isAfter(Instant.now()), "armed since " + since);
            assertTrue(((String) object.get("agentVersion")).matches("[0-9].*"), json.stdout());
            assertEquals(List.of(
                    Map.of("name", "dir", "value", bundles.toString(), "source", "argument"),
                    Map.of("name", "token", "value", "<redacted>", "source", "environment"),
                    Map.of("name", "sentry-dsn", "value", "<redacted>", "source", "property"),
                    Map.of("name", "max-mb", "value", "50", "source", "argument")), object.get("options"));
            assertFalse(json.stdout().contains(TOKEN) || json.stdout().contains(DSN_KEY), json.stdout());
            assertEquals("", jvm.stderr(), "status printed nothing in the target");
        }
    }

    @Test
    void aJvmArmedByAttachSaysSo() throws Exception {
        Path bundles = work.resolve("bundles");
        try (RunningJvm jvm = RunningJvm.start(work.resolve("app"), TestJvm.command(List.of(), AttachIT.quiet(),
                AttachTarget.class.getName()), Map.of()).awaitOutput(AttachTarget.READY)) {
            String pid = Long.toString(jvm.pid());
            TestJvm.Result unarmed = TestJvm.cli(work, "status", pid);
            AttachIT.assertOneLine(unarmed, 14, "crashcap: not armed: pid " + pid + " is a JVM (Java ");
            assertEquals(0, TestJvm.cli(work, "attach", pid, "dir=" + bundles).exitCode());
            Map<String, Object> object = JsonReader.object(TestJvm.cli(work, "status", "--json", pid).stdout());
            assertEquals("attach", object.get("armedBy"));
            assertEquals(bundles.toString(), object.get("bundleFolder"));
            assertEquals(List.of(Map.of("name", "dir", "value", bundles.toString(), "source", "argument")),
                    object.get("options"));
            AttachIT.assertAnswers(jvm);
        }
    }

    @Test
    void notAJvmAndNoSuchProcessAreOneLineEach() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            AttachIT.assertOneLine(TestJvm.cli(work, "status", Long.toString(sleep.pid())), 4,
                    "crashcap: not a JVM: pid " + sleep.pid());
            assertTrue(sleep.isAlive(), "not signalled");
        } finally {
            sleep.destroyForcibly();
            sleep.waitFor();
        }
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        AttachIT.assertOneLine(TestJvm.cli(work, "status", Long.toString(gone.pid())), 3,
                "crashcap: no such process: " + gone.pid());
        AttachIT.assertOneLine(TestJvm.cli(work, "status", "0"), 2, "not a process id");
    }
}
