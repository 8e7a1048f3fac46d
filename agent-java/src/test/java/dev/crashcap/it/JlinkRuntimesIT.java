package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.AttachTarget;
import dev.crashcap.testapp.Crasher;
import dev.crashcap.testapp.ThreadsApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * crashcap in Java runtimes made by jlink ({@link JlinkRuntimes}), as slim container images have them: what each
 * feature needs (README.md, "Java runtimes made by jlink"), and a missing module said in one {@code crashcap:} line
 * naming it, with exit code 13 from the CLI, never a stack trace and never a silent gap.
 */
class JlinkRuntimesIT {
    private static final int MISSING_MODULE = 13;

    @TempDir
    Path work;

    /** Before: the upload thread printed a 14-line NoClassDefFoundError into the application's stderr. */
    @Test
    void anAgentThatShouldUploadFromARuntimeWithoutJavaNetHttpSaysSoInOneLine() throws Exception {
        Path runtime = JlinkRuntimes.without("java.net.http");
        Path bundles = work.resolve("bundles");
        List<String> command = command(runtime, List.of("-javaagent:" + TestJvm.JAR + "=dir=" + bundles
                + ",url=http://127.0.0.1:9/crashes", "-Dcrashcap.uploadDelayMillis=0"), AttachTarget.class.getName());
        try (RunningJvm jvm = RunningJvm.start(work.resolve("app"), command, Map.of()).awaitOutput(AttachTarget.READY)) {
            awaitStderr(jvm, "crashcap"); // the line, or (before) the trace of the thread crashcap-upload
            jvm.send("exit");
            assertEquals(0, jvm.process.waitFor());
            String stderr = jvm.stderr();
            assertEquals(1, stderr.lines().count(), "exactly one line: " + stderr);
            assertEquals("crashcap: not uploading: uploading needs the java.net.http module, which the Java runtime in "
                    + runtime + " does not have: add it (jlink --add-modules java.net.http, or java --add-modules"
                    + " java.net.http)", stderr.strip());
        }
    }

    /** Before: exit 1 and a stack trace. Now one line, exit 13, and the bundles untouched. */
    @Test
    void uploadFromARuntimeWithoutJavaNetHttpIsOneLineAndExit13() throws Exception {
        Path runtime = JlinkRuntimes.without("java.net.http");
        Path folder = Files.createDirectories(work.resolve("bundles"));
        Path bundle = Files.createDirectory(folder.resolve("crash-20261127T120000Z-1234"));
        Files.writeString(bundle.resolve("capture.txt"), "crashcap-capture\t1\n");
        TestJvm.Result upload = TestJvm.run(work, List.of(runtime.resolve("bin/java").toString(), "-jar",
                TestJvm.JAR.toString(), "upload", folder.toString(), "--url", "http://127.0.0.1:9/crashes"), Map.of());
        AttachIT.assertOneLine(upload, MISSING_MODULE, "crashcap: upload needs the java.net.http module, which the Java"
                + " runtime in " + runtime + " does not have: add it (jlink --add-modules java.net.http");
        try (var files = Files.list(bundle)) {
            assertEquals(List.of(bundle.resolve("capture.txt")), files.toList(), "nothing added or moved");
        }
    }

    /**
     * Before: locks.txt was silently left out, and inspect said "live snapshot of N threads (locks not recorded)" of a
     * JVM with a real deadlock. Now the dump says why, exits 13 with the bundle on stdout, and the bundle says why.
     */
    @Test
    void aDumpOfAJvmWithoutJavaManagementSaysItsLocksAreMissing() throws Exception {
        Path runtime = JlinkRuntimes.without("java.management");
        List<String> command = command(runtime, AttachIT.quiet(), ThreadsApp.class.getName(), "idle-deadlock", "0");
        try (RunningJvm jvm = RunningJvm.start(work.resolve("app"), command, Map.of()).awaitOutput("ready ")) {
            TestJvm.Result dump = TestJvm.cli(work, "dump", Long.toString(jvm.pid()), "--out",
                    work.resolve("dumps").toString());
            assertEquals(MISSING_MODULE, dump.exitCode(), dump.toString());
            Path bundle = Path.of(dump.stdout().strip());
            assertTrue(Files.isRegularFile(bundle.resolve("capture.txt")), "the snapshot is written: " + dump);
            List<String> lines = dump.stderr().lines().filter(line -> line.startsWith("crashcap: ")).toList();
            assertEquals(List.of("crashcap: the snapshot of pid " + jvm.pid() + " has no locks: listing locks and"
                    + " deadlocks needs the java.management module, which the Java runtime in " + runtime
                    + " does not have: add it (jlink --add-modules java.management, or java --add-modules"
                    + " java.management)"), lines, dump.stderr());

            Map<String, Object> json = Inspect.json(work, bundle);
            assertNull(json.get("deadlocks"), "not [] (no deadlock): unknown");
            assertTrue(JsonReader.get(json, "diagnosis.summary").toString().contains("locks not recorded"),
                    json.get("diagnosis").toString());
            assertTrue(json.get("warnings").toString().contains("locks not recorded: listing locks and deadlocks needs"
                    + " the java.management module"), json.get("warnings").toString());
            TestJvm.Result human = TestJvm.cli(work, "inspect", bundle.toString());
            assertTrue(human.stdout().contains("java.management"), human.stdout());
            AttachIT.assertAnswers(jvm);
        }
    }

    /** The CLI's attach, dump, status and inspect need java.base alone; the armed JVM has what -javaagent needs. */
    @Test
    void theCliWorksFromJavaBaseAlone() throws Exception {
        Path base = JlinkRuntimes.javaBaseOnly();
        Path bundles = work.resolve("bundles");
        List<String> command = command(TestJvm.JAVA_HOME, List.of(), AttachTarget.class.getName());
        try (RunningJvm jvm = RunningJvm.start(work.resolve("app"), command, Map.of()).awaitOutput(AttachTarget.READY)) {
            String pid = Long.toString(jvm.pid());
            TestJvm.Result attach = cli(base, "attach", pid, "dir=" + bundles);
            assertEquals(0, attach.exitCode(), attach.toString());
            TestJvm.Result status = cli(base, "status", pid);
            assertEquals(0, status.exitCode(), status.toString());
            assertTrue(status.stdout().contains("bundle folder: " + bundles), status.stdout());
            TestJvm.Result dump = cli(base, "dump", pid);
            assertEquals(0, dump.exitCode(), dump.toString());
            TestJvm.Result inspect = cli(base, "inspect", "--brief", dump.stdout().strip());
            assertEquals(0, inspect.exitCode(), inspect.toString());
            assertEquals("", inspect.stderr());
        }
    }

    /** -javaagent needs java.instrument and nothing else: a crash in such a runtime leaves a whole bundle. */
    @Test
    void aCrashInARuntimeWithJavaInstrumentAloneLeavesABundle() throws Exception {
        Path runtime = JlinkRuntimes.javaagentOnly();
        Path bundles = work.resolve("bundles");
        TestJvm.Result with = TestJvm.run(work.resolve("with"), command(runtime,
                List.of("-javaagent:" + TestJvm.JAR + "=dir=" + bundles), Crasher.class.getName(), "segv"), Map.of());
        TestJvm.Result without = TestJvm.run(work.resolve("without"), command(runtime, List.of(),
                Crasher.class.getName(), "segv"), Map.of());
        TestJvm.assertSameEnd(without, with);
        assertEquals(without.stderr(), with.stderr(), "nothing more on stderr than without crashcap");
        Map<String, Object> json = Inspect.json(work, Inspect.onlyBundle(bundles));
        assertEquals("SIGSEGV", JsonReader.get(json, "signal.name"));
        assertEquals(Crasher.THREAD_NAME, JsonReader.get(json, "crashingThread.name"));
        assertFalse((Boolean) json.get("truncated"));
    }

    private static List<String> command(Path runtime, List<String> jvmOptions, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(runtime.resolve("bin/java").toString()));
        command.addAll(TestJvm.nativeAccessFlag());
        command.addAll(jvmOptions);
        command.addAll(List.of("-Dcrashcap.testlib=" + TestJvm.TESTLIB, "-cp", TestJvm.TEST_CLASSES.toString(), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private TestJvm.Result cli(Path runtime, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(runtime.resolve("bin/java").toString(), "-jar",
                TestJvm.JAR.toString()));
        command.addAll(List.of(args));
        return TestJvm.run(work, command, Map.of());
    }

    private static void awaitStderr(RunningJvm jvm, String text) throws IOException, InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (!jvm.stderr().contains(text)) {
            if (!jvm.process.isAlive() || System.nanoTime() > end) {
                throw new AssertionError("no '" + text + "' on stderr: " + jvm.stderr());
            }
            Thread.sleep(10);
        }
    }
}
