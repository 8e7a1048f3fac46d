package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.CrashShapes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash shapes that are about the process rather than the crash site (docs/jvm-shapes.md, "Crash shapes"): a JVM that
 * used up its file descriptors before it crashed, a HotSpot fatal error that is no signal (an OutOfMemoryError with
 * {@code -XX:+CrashOnOutOfMemoryError}: hs_err, then abort()), a SIGSEGV or SIGABRT sent from outside with
 * {@code kill}, a child forked by JNI code that crashes before exec, a crash inside a library's JNI_OnLoad, crashes
 * during the JVM's shutdown (a shutdown hook, an atexit handler). Each ends as without crashcap (exit status, hs_err),
 * and its bundle says what happened.
 */
class CrashShapesIT {
    private static final String APP = CrashShapes.class.getName();
    private static final int FD_LIMIT = 256;
    private static final String ULIMIT_REFUSED = "97";

    @TempDir
    Path work;

    @Test
    void aJvmThatUsedUpItsFileDescriptorsStillGetsItsBundle() throws Exception {
        List<String> prefix = List.of("sh", "-c", "ulimit -n " + FD_LIMIT + " || exit " + ULIMIT_REFUSED
                + "; exec \"$@\"", "sh");
        TestJvm.Result without = TestJvm.run(work.resolve("without-agent"),
                TestJvm.command(prefix, List.of(), APP, "fds-exhausted"), Map.of());
        assumeFalse(String.valueOf(without.exitCode()).equals(ULIMIT_REFUSED), "the shell may not set ulimit -n");
        assertTrue(without.stdout().contains(CrashShapes.EXHAUSTED), "the JVM used up its descriptors: " + without.stdout());
        Path armedWork = work.resolve("with-agent");
        Path bundles = armedWork.resolve("bundles");
        TestJvm.Result with = TestJvm.run(armedWork, TestJvm.command(prefix,
                List.of("-javaagent:" + TestJvm.JAR + "=dir=" + bundles), APP, "fds-exhausted"), Map.of());
        assertTrue(with.stdout().contains(CrashShapes.EXHAUSTED), "with the agent too: " + with.stdout());
        // HotSpot finds no descriptor for hs_err either ("Can not save log file, dump to screen"): the capture gives
        // the ones it used back, so the JVM's report is the same as without crashcap.
        TestJvm.assertSameEnd(without, with);

        Path bundle = Inspect.onlyBundle(bundles);
        assertTrue(Files.readString(bundle.resolve("capture.txt")).endsWith("end\tcomplete\n"), "the capture finished");
        Map<String, Object> json = Inspect.json(armedWork, bundle);
        assertEquals(false, json.get("truncated"));
        assertEquals("process", JsonReader.get(json, "process.fdsExhausted"));
        assertEquals((long) FD_LIMIT, ((Number) JsonReader.get(json, "process.fdLimit")).longValue());
        assertEquals("main", JsonReader.get(json, "crashingThread.name"));
        assertTrue(Inspect.functions(Inspect.objects(json, "crashingThread.frames")).contains("crashcaptest_write_null"),
                json.toString());
        assertTrue(Inspect.objects(json, "threads").size() > 5, "the other threads were collected too");
        assertFalse(Inspect.objects(json, "modules").isEmpty(), "/proc/self/maps was read");
        TestJvm.Result report = TestJvm.cli(armedWork, "inspect", bundle.toString());
        assertTrue(report.stdout().contains("descriptors:       all in use (limit " + FD_LIMIT + ", ulimit -n)"),
                report.stdout());
    }

    @Test
    void anOutOfMemoryErrorWithCrashOnOutOfMemoryErrorIsNamedAsTheJvmsOwnFatalError() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.Result jvm = TestJvm.crashWithAgent(work, bundles, List.of("-Xmx32m", "-XX:+CrashOnOutOfMemoryError"),
                Map.of(), APP, "out-of-memory");
        assertTrue(TestJvm.hsErrWritten(jvm), "HotSpot reports the fatal error in hs_err: " + jvm.stdout());
        assertTrue(jvm.stdout().contains("Aborting due to java.lang.OutOfMemoryError: Java heap space"), jvm.stdout());
        Path bundle = Inspect.onlyBundle(bundles);
        Map<String, Object> json = Inspect.json(work, bundle);

        assertEquals("SIGABRT", JsonReader.get(json, "signal.name"));
        assertEquals(jvm.pid(), JsonReader.get(json, "signal.senderPid"), "HotSpot's own abort()");
        assertEquals("abort", JsonReader.get(json, "diagnosis.kind"));
        assertEquals(CrashShapes.HEAP_FILLER, JsonReader.get(json, "crashingThread.name"));
        String summary = (String) JsonReader.get(json, "diagnosis.summary");
        assertTrue(summary.startsWith("the JVM stopped itself on an OutOfMemoryError (the JVM runs with "
                + "-XX:+CrashOnOutOfMemoryError) on thread \"" + CrashShapes.HEAP_FILLER + "\""), summary);
        assertEquals("fatal error: OutOfMemory encountered: Java heap space (Internal Error at debug.cpp:"
                + jvmErrorLine(json), JsonReader.get(json, "jvmError"));
        assertTrue(Inspect.javaMethods(Inspect.objects(json, "crashingThread.frames")).stream()
                .anyMatch(method -> method.contains("CrashShapes.lambda$outOfMemory")), "the allocating Java frame");

        TestJvm.Result report = TestJvm.cli(work, "inspect", bundle.toString());
        assertTrue(report.stdout().contains("hs_err says:       fatal error: OutOfMemory encountered: Java heap space"),
                report.stdout());
        assertFalse(report.stdout().contains("HotSpot writes none"), report.stdout());
    }

    /** The line number in {@code debug.cpp} differs between JDK builds: taken from the bundle, checked for shape. */
    private static String jvmErrorLine(Map<String, Object> json) {
        String jvmError = String.valueOf(JsonReader.get(json, "jvmError"));
        String tail = jvmError.substring(jvmError.lastIndexOf(':') + 1);
        assertTrue(tail.matches("\\d+\\)"), jvmError);
        return tail;
    }

    @ParameterizedTest(name = "kill -{0}")
    @ValueSource(strings = {"SEGV", "ABRT"})
    void aFatalSignalSentFromOutsideNamesItsSenderAndBlamesNoCode(String signal) throws Exception {
        Killed without = runAndKill(work.resolve("without-agent"), List.of(), signal);
        Path armedWork = work.resolve("with-agent");
        Path bundles = armedWork.resolve("bundles");
        Killed with = runAndKill(armedWork, List.of("-javaagent:" + TestJvm.JAR + "=dir=" + bundles), signal);
        TestJvm.assertSameEnd(without.jvm(), with.jvm());
        assertNotEquals(0, with.jvm().exitCode());

        Map<String, Object> json = Inspect.json(armedWork, Inspect.onlyBundle(bundles));
        assertEquals("SIG" + signal, JsonReader.get(json, "signal.name"));
        assertEquals("SI_USER", JsonReader.get(json, "signal.code"));
        assertEquals(with.killer(), JsonReader.get(json, "signal.senderPid"), "the kill process sent it");
        assertEquals(ownUid(), JsonReader.get(json, "signal.senderUid"));
        assertNull(JsonReader.get(json, "signal.address"), "a sent signal has no fault address");
        assertEquals("external-signal", JsonReader.get(json, "diagnosis.kind"));
        assertNull(JsonReader.get(json, "diagnosis.suspectModule"), "no code is to blame");
        String summary = (String) JsonReader.get(json, "diagnosis.summary");
        assertTrue(summary.startsWith("SIG" + signal + " (SI_USER) sent by another process (pid " + with.killer()
                + ", uid " + ownUid() + ") with kill(): "), summary);
        assertTrue(((String) JsonReader.get(json, "signature")).startsWith("external-signal|SIG" + signal + "|"),
                (String) JsonReader.get(json, "signature"));
        TestJvm.Result report = TestJvm.cli(armedWork, "inspect", JsonReader.get(json, "path").toString());
        assertTrue(report.stdout().contains("problematic frame: none: the signal was sent by another process"),
                report.stdout());
    }

    private record Killed(TestJvm.Result jvm, long killer) {}

    /** Starts the JVM, waits until it says it waits, sends it SIG{@code signal} with kill(1), and waits for its end. */
    private static Killed runAndKill(Path work, List<String> options, String signal)
            throws IOException, InterruptedException {
        Files.createDirectories(work);
        Path out = work.resolve("stdout.txt");
        Path err = work.resolve("stderr.txt");
        Process jvm = new ProcessBuilder(TestJvm.command(List.of(), options, APP, "wait-for-kill")).directory(work.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            for (int i = 0; i < 600 && !Files.readString(out).contains(CrashShapes.WAITING); i++) {
                if (!jvm.isAlive()) {
                    throw new AssertionError("the JVM ended before the signal: " + Files.readString(err));
                }
                Thread.sleep(100);
            }
            assertTrue(Files.readString(out).contains(CrashShapes.WAITING), "the JVM got ready");
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(jvm.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -" + signal);
            assertTrue(jvm.waitFor(120, TimeUnit.SECONDS), "the JVM ended");
            return new Killed(new TestJvm.Result(jvm.exitValue(), jvm.pid(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8)), kill.pid());
        } finally {
            jvm.destroyForcibly();
        }
    }

    @Test
    void aChildForkedByJniCodeWritesItsOwnBundleAndLeavesItsParentAlone() throws Exception {
        Forked without = forkAndCrash(work.resolve("without-agent"), List.of(), null);
        assertEquals(0, without.parentExit(), "the parent lives on: " + without.stdout());
        Path armedWork = work.resolve("with-agent");
        Path bundles = armedWork.resolve("bundles");
        // A live dump first: it leaves the parent's resolver a job of its own, which a child that woke the resolver
        // through the pipes it inherited made the parent fault on (the parent died of its child's crash).
        Forked with = forkAndCrash(armedWork, List.of("-javaagent:" + TestJvm.JAR + "=dir=" + bundles),
                armedWork.resolve("dumps"));
        assertEquals(without.parentExit(), with.parentExit(), "the parent ends as without crashcap: " + with.stdout());
        assertEquals(without.childStatus(), with.childStatus(), "the child ends as without crashcap");
        assertTrue(with.stdout().contains(CrashShapes.PARENT_ALIVE), with.stdout());
        assertEquals(hsErrFiles(without.work()), hsErrFiles(armedWork), "the child's hs_err, with the agent as without");

        Path bundle = Inspect.onlyBundle(bundles); // the child's: none for the parent
        Map<String, Object> json = Inspect.json(armedWork, bundle);
        long child = ((Number) JsonReader.get(json, "process.pid")).longValue();
        assertNotEquals(with.parentPid(), child, "the child's own pid");
        assertTrue(bundle.getFileName().toString().endsWith("-" + child), bundle.toString());
        assertEquals(with.parentPid(), JsonReader.get(json, "process.forkOf"));
        assertEquals(1, Inspect.objects(json, "threads").size(), "a forked child has the forking thread only");
        assertEquals("crashcaptest_child_crash", Inspect.objects(json, "crashingThread.frames").get(0).get("function"));
        assertEquals("libcrashcaptest.so", JsonReader.get(json, "diagnosis.suspectModule"));
        TestJvm.Result report = TestJvm.cli(armedWork, "inspect", bundle.toString());
        assertTrue(report.stdout().contains("forked from:       pid " + with.parentPid() + ", the JVM crashcap armed"),
                report.stdout());
    }

    private record Forked(Path work, long parentPid, int parentExit, String childStatus, String stdout) {}

    /** Runs the fork-crash app; with {@code dumps}, takes a live dump of it before it forks. */
    private static Forked forkAndCrash(Path work, List<String> options, Path dumps) throws Exception {
        try (RunningJvm jvm = RunningJvm.start(work, TestJvm.command(List.of(), options, APP, "fork-crash"), Map.of())) {
            jvm.awaitOutput(CrashShapes.READY_TO_FORK);
            if (dumps != null) {
                TestJvm.Result dump = TestJvm.cli(work, "dump", Long.toString(jvm.pid()), "--out", dumps.toString());
                assertEquals(0, dump.exitCode(), dump.stdout() + dump.stderr());
            }
            jvm.send("fork");
            int exit = jvm.awaitExit();
            String stdout = jvm.stdout();
            String status = stdout.lines().filter(line -> line.startsWith(CrashShapes.CHILD_STATUS)).findFirst()
                    .map(line -> line.substring(CrashShapes.CHILD_STATUS.length())).orElse(null);
            return new Forked(work, jvm.pid(), exit, status, stdout + jvm.stderr());
        }
    }

    private static long hsErrFiles(Path work) throws IOException {
        try (var files = Files.list(work)) {
            return files.filter(path -> path.getFileName().toString().startsWith("hs_err_pid")).count();
        }
    }

    @Test
    void aCrashInsideJniOnLoadIsPlacedInTheLibraryBeingLoaded() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.Result jvm = TestJvm.crashWithAgent(work, bundles, List.of(), Map.of(), APP, "onload-crash");
        assertTrue(TestJvm.hsErrWritten(jvm), jvm.stdout());
        Map<String, Object> json = Inspect.json(work, Inspect.onlyBundle(bundles));
        List<Map<String, Object>> frames = Inspect.objects(json, "crashingThread.frames");
        assertEquals("libcrashcaponload.so", frames.get(0).get("module"));
        assertEquals("crashcaponload_init_tables", frames.get(0).get("function"));
        assertEquals("JNI_OnLoad", frames.get(1).get("function"), "the caller hs_err does not show");
        assertEquals("libcrashcaponload.so", frames.get(1).get("module"));
        assertTrue(Inspect.javaMethods(frames).contains("java.lang.System.load"), Inspect.javaMethods(frames).toString());
        assertEquals("libcrashcaponload.so", JsonReader.get(json, "diagnosis.suspectModule"));
        Map<String, Object> module = Inspect.objects(json, "modules").stream()
                .filter(m -> "libcrashcaponload.so".equals(m.get("name"))).findFirst().orElseThrow();
        assertEquals(APP, JsonReader.get(module, "loadedBy.class"), "the load is known while it is under way");
    }

    @Test
    void aCrashInAShutdownHookIsCaptured() throws Exception {
        Map<String, Object> json = completeBundleOfCrash("shutdown-hook-crash");
        assertEquals(CrashShapes.SHUTDOWN_CRASHER, JsonReader.get(json, "crashingThread.name"));
        List<Map<String, Object>> frames = Inspect.objects(json, "crashingThread.frames");
        assertEquals("crashcaptest_write_null", frames.get(0).get("function"));
        assertTrue(Inspect.javaMethods(frames).stream().anyMatch(m -> m.contains("CrashShapes.lambda$shutdownHookCrash")),
                Inspect.javaMethods(frames).toString());
        assertEquals("RUNNABLE", JsonReader.get(json, "crashingThread.state"));
        // Shutdown hooks run before HotSpot posts JVMTI VMDeath: the resolver thread is asked, and answers.
        assertEquals("ok", JsonReader.get(json, "threadsSummary.resolver"), "the resolver still answers then");
    }

    /**
     * System.exit runs exit() on the VM thread after the JVM stopped every Java thread for good, and after HotSpot
     * posted JVMTI VMDeath: the resolver thread cannot answer any more, so the capture does not ask it (it used to wait
     * its whole deadline, 1 s) and says why; Java frames are still named from the JVM's memory.
     */
    @Test
    void aCrashInAnAtexitHandlerAfterSystemExitIsCaptured() throws Exception {
        Map<String, Object> json = completeBundleOfCrash("atexit-crash");
        assertEquals("VM Thread", JsonReader.get(json, "crashingThread.name"), "System.exit's exit() runs there");
        List<String> functions = Inspect.functions(Inspect.objects(json, "crashingThread.frames"));
        assertEquals(List.of("crashcaptest_exit_cleanup", "crashcaptest_at_exit"), functions.subList(0, 2));
        assertTrue(functions.contains("exit"), functions.toString());
        assertTrue(Inspect.objects(json, "threads").stream().flatMap(t -> Inspect.javaMethods(Inspect.objects(t, "frames"))
                .stream()).anyMatch("java.lang.Shutdown.exit"::equals), "the thread that called System.exit, named");
        assertResolverNotAskedAfterVmDeath(json);
    }

    /**
     * The same after main ended without System.exit (DestroyJavaVM: HotSpot posts VMDeath, the launcher's exit() then
     * runs the atexit handlers on its first thread).
     */
    @Test
    void aCrashInAnAtexitHandlerAfterMainEndedIsCaptured() throws Exception {
        Map<String, Object> json = completeBundleOfCrash("atexit-after-main");
        List<String> functions = Inspect.functions(Inspect.objects(json, "crashingThread.frames"));
        assertEquals(List.of("crashcaptest_exit_cleanup", "crashcaptest_at_exit"), functions.subList(0, 2));
        assertTrue(functions.contains("exit"), functions.toString());
        assertResolverNotAskedAfterVmDeath(json);
    }

    private static void assertResolverNotAskedAfterVmDeath(Map<String, Object> json) {
        assertEquals("vm-death", JsonReader.get(json, "threadsSummary.resolver"), "why the resolver's answers are absent");
        assertTrue(String.valueOf(json.get("warnings")).contains("the resolver thread was not asked, the JVM was exiting"),
                String.valueOf(json.get("warnings")));
    }

    private static long ownUid() throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    }

    /** The bundle of APP's crash {@code how}: hs_err written, as without the agent, and the capture finished. */
    private Map<String, Object> completeBundleOfCrash(String how) throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.Result jvm = TestJvm.crashWithAgent(work, bundles, List.of(), Map.of(), APP, how);
        assertTrue(TestJvm.hsErrWritten(jvm), jvm.stdout());
        Path bundle = Inspect.onlyBundle(bundles);
        assertTrue(Files.readString(bundle.resolve("capture.txt")).endsWith("end\tcomplete\n"), "the capture finished");
        return Inspect.json(work, bundle);
    }
}
