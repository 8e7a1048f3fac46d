package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.AttachTarget;
import dev.crashcap.testapp.Crasher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code crashcap attach} against real running JVMs (the JDK under test, like CrashCaptureIT): the bundle a
 * crash leaves afterwards, attaching twice, and every refusal, with the target still alive where it should be.
 */
class AttachIT {
    /** A CLI JVM without the jdk.attach module (nor anything but java.base), as on a minimal JRE. */
    static final List<String> JAVA_BASE_ONLY = List.of("--limit-modules", "java.base");
    static final String DYNAMIC_AGENT_WARNING = "WARNING: A Java agent has been loaded dynamically";

    @TempDir
    Path work;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "segv, SIGSEGV, crashcaptest_write_null, fault",
        "abort, SIGABRT, crashcaptest_abort, abort",
    })
    void attachThenCrashLeavesTheSameBundleAsJavaagent(String kind, String signal, String crashingFunction,
                                                        String diagnosis) throws Exception {
        Path bundles = work.resolve("bundles");
        try (RunningJvm jvm = target(List.of(), List.of())) {
            TestJvm.Result attach = TestJvm.cli(work, "attach", Long.toString(jvm.pid()), "dir=" + bundles);
            assertEquals(0, attach.exitCode(), attach.stderr());
            assertEquals("", attach.stderr());
            assertTrue(attach.stdout().startsWith("armed pid " + jvm.pid() + " (Java "), attach.stdout());
            assertTrue(attach.stdout().contains("crash bundles go to " + bundles), attach.stdout());

            // The crashing thread was started before the attach.
            jvm.send("crash " + kind);
            assertNotEquals(0, jvm.awaitExit(), jvm.stderr());
            assertFalse(jvm.stderr().contains("still alive"), jvm.stderr());
            assertSameEndWithoutAgent(jvm, List.of(), kind);

            Map<String, Object> json = Inspect.json(work, Inspect.onlyBundle(bundles));
            assertEquals(false, JsonReader.get(json, "truncated"));
            assertEquals(signal, JsonReader.get(json, "signal.name"));
            assertEquals(diagnosis, JsonReader.get(json, "diagnosis.kind"));
            assertEquals("libcrashcaptest.so", JsonReader.get(json, "diagnosis.suspectModule"));
            assertEquals(jvm.pid(), JsonReader.get(json, "process.pid"));
            assertEquals(Crasher.THREAD_NAME, JsonReader.get(json, "crashingThread.name"));
            List<String> functions = Inspect.objects(json, "crashingThread.frames").stream()
                    .map(f -> String.valueOf(f.get("function"))).collect(Collectors.toList());
            int crashSite = functions.indexOf(crashingFunction);
            assertTrue(crashSite >= 0, "no " + crashingFunction + " in " + functions);
            assertEquals(CrashCaptureIT.CHAIN, functions.subList(crashSite + 1, crashSite + 1 + CrashCaptureIT.CHAIN.size()),
                    "the complete C call chain, innermost first: " + functions);
            if (signal.equals("SIGSEGV")) {
                assertNotNull(JsonReader.get(json, "hsErr"), "hs_err must still be written and found");
            }
            assertTrue(((String) JsonReader.get(json, "agent.options")).contains("dir=" + bundles), json.toString());

            // JDK 21+ warns about the dynamically loaded agent on the target's stderr (README.md says how to silence it).
            assertEquals(TestJvm.featureVersion() >= 21, jvm.stderr().contains(DYNAMIC_AGENT_WARNING), jvm.stderr());
        }
    }

    @Test
    void aThreadThatPredatesTheAttachGetsAnAlternateStackSoItsStackOverflowIsCaptured() throws Exception {
        Path bundles = work.resolve("bundles");
        try (RunningJvm jvm = target(List.of(), List.of())) {
            TestJvm.Result attach = TestJvm.cli(work, "attach", Long.toString(jvm.pid()), "dir=" + bundles);
            assertEquals(0, attach.exitCode(), attach.stderr());
            List<String> functions = overflowAndCrashFrames(jvm, bundles);
            assertTrue(functions.contains("Java_dev_crashcap_testapp_Crasher_recurseForever"), "down to the JNI call");
        }
    }

    /**
     * Overflows a thread's stack that existed before the arming, checks that the JVM ends as it would without crashcap
     * and that the bundle names the overflow, and returns the crashing thread's functions.
     */
    private List<String> overflowAndCrashFrames(RunningJvm jvm, Path bundles) throws Exception {
        jvm.send("crash " + AttachTarget.STACK_OVERFLOW);
        assertNotEquals(0, jvm.awaitExit(), jvm.stderr());
        assertSameEndWithoutAgent(jvm, List.of(), AttachTarget.STACK_OVERFLOW);

        Map<String, Object> json = Inspect.json(work, Inspect.onlyBundle(bundles));
        assertEquals("stack-overflow", JsonReader.get(json, "diagnosis.kind"));
        assertEquals(Crasher.THREAD_NAME, JsonReader.get(json, "crashingThread.name"));
        List<String> functions = Inspect.objects(json, "crashingThread.frames").stream()
                .map(f -> String.valueOf(f.get("function"))).collect(Collectors.toList());
        assertEquals("crashcaptest_recurse", functions.get(0), "the overflow site");
        return functions;
    }

    /**
     * crashcap dump arming a JVM sends its threads no altstack signal of its own: the snapshot's signal installs them
     * (agent-native/src/arming/existing_altstacks.h). A thread from before must then overflow into a full bundle all
     * the same.
     */
    @Test
    void aThreadThatPredatesADumpThatArmedTheJvmGetsAnAlternateStackSoItsStackOverflowIsCaptured() throws Exception {
        Path bundles = work.resolve("bundles");
        try (RunningJvm jvm = target(List.of(), List.of())) {
            TestJvm.Result dump = TestJvm.cli(work, "dump", Long.toString(jvm.pid()), "--out", bundles.toString());
            assertEquals(0, dump.exitCode(), dump.stderr());
            assertTrue(dump.stderr().contains("armed pid " + jvm.pid()), "the dump armed it: " + dump.stderr());
            deleteTree(Path.of(dump.stdout().strip())); // the snapshot: the crash's bundle is to be the only one
            overflowAndCrashFrames(jvm, bundles);
        }
    }

    @Test
    void attachTwiceIsHarmlessAndSaysAlreadyArmed() throws Exception {
        Path bundles = work.resolve("bundles");
        try (RunningJvm jvm = target(List.of(), quiet())) {
            String pid = Long.toString(jvm.pid());
            TestJvm.Result first = TestJvm.cli(work, List.of(), JAVA_BASE_ONLY, "attach", pid, "dir=" + bundles);
            assertEquals(0, first.exitCode(), first.stderr());
            assertTrue(first.stdout().startsWith("armed pid " + pid), first.stdout());

            TestJvm.Result second = TestJvm.cli(work, "attach", pid, "dir=" + work.resolve("elsewhere"));
            assertEquals(0, second.exitCode(), second.stderr());
            assertEquals("", second.stderr());
            assertTrue(second.stdout().startsWith("pid " + pid + " is already armed: crash bundles go to " + bundles),
                    second.stdout());
            assertTrue(second.stdout().contains("the options given were not applied"), second.stdout());
            assertFalse(Files.exists(work.resolve("elsewhere")), "the second attach loaded nothing");
            assertAnswers(jvm);
            // With the documented flags, the two attaches leave not one line in the target's output.
            assertEquals("", jvm.stderr());

            jvm.send("crash segv");
            jvm.awaitExit();
            assertSameEndWithoutAgent(jvm, quiet(), "segv");
            Inspect.onlyBundle(bundles); // one bundle: one set of handlers
        }
    }

    @Test
    void anAgentThatCannotArmSaysWhyAndALaterAttachStillWorks() throws Exception {
        Path file = Files.writeString(work.resolve("a-file"), "not a folder");
        try (RunningJvm jvm = target(List.of(), quiet())) {
            String pid = Long.toString(jvm.pid());
            TestJvm.Result attach = TestJvm.cli(work, "attach", pid, "dir=" + file.resolve("bundles"));
            // The reason is the agent's own line (it names the I/O exception), on one line.
            assertEquals(9, attach.exitCode(), attach.toString());
            assertTrue(attach.stderr().startsWith("crashcap: the agent was loaded into pid " + pid
                    + " but did not arm: cannot create bundle folder " + file.resolve("bundles")), attach.stderr());
            assertEquals(1, attach.stderr().lines().count(), attach.stderr());
            assertTrue(jvm.stderr().startsWith("crashcap: not armed: cannot create bundle folder"), jvm.stderr());
            assertAnswers(jvm);

            TestJvm.Result again = TestJvm.cli(work, "attach", pid, "dir=" + work.resolve("bundles"));
            assertEquals(0, again.exitCode(), again.stderr());
            assertTrue(again.stdout().startsWith("armed pid " + pid), again.stdout());
        }
    }

    @Test
    void attachToAJvmStartedWithTheAgentSaysAlreadyArmed() throws Exception {
        Path bundles = work.resolve("bundles");
        List<String> javaagent = List.of("-javaagent:" + TestJvm.JAR + "=dir=" + bundles);
        try (RunningJvm jvm = target(List.of(), javaagent)) {
            TestJvm.Result attach = TestJvm.cli(work, "attach", Long.toString(jvm.pid()));
            assertEquals(0, attach.exitCode(), attach.stderr());
            assertTrue(attach.stdout().contains("is already armed: crash bundles go to " + bundles), attach.stdout());
            assertFalse(jvm.stderr().contains(DYNAMIC_AGENT_WARNING), "nothing was loaded: " + jvm.stderr());
            assertTrue(jvm.process.isAlive());
        }
    }

    @Test
    void attachDisabledIsRefusedWithoutTouchingTheTarget() throws Exception {
        try (RunningJvm jvm = target(List.of(), List.of("-XX:+DisableAttachMechanism"))) {
            TestJvm.Result attach = TestJvm.cli(work, "attach", Long.toString(jvm.pid()));
            assertOneLine(attach, 6, "crashcap: attach disabled: pid " + jvm.pid() + " was started with -XX:+DisableAttachMechanism");
            assertAnswers(jvm);
            assertFalse(jvm.stdout().contains("Full thread dump"), "no SIGQUIT was sent: " + jvm.stdout());
        }
    }

    /**
     * -Xrs: HotSpot handles no SIGQUIT (it would kill the JVM) and opens its attach socket at start-up instead.
     * With that socket gone (cleaned from /tmp), attach must refuse rather than signal.
     */
    @Test
    void aJvmThatDoesNotHandleSigquitIsNeverSentOne() throws Exception {
        try (RunningJvm jvm = target(List.of(), List.of("-Xrs"))) {
            Path socket = Path.of("/tmp/.java_pid" + jvm.pid());
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(socket)) { // bound by the Attach Listener thread, maybe after main has begun
                assertTrue(System.nanoTime() < end, "-Xrs opens the socket at start-up");
                Thread.sleep(10);
            }
            Files.delete(socket);
            TestJvm.Result attach = TestJvm.cli(work, "attach", Long.toString(jvm.pid()));
            assertOneLine(attach, 6, "does not handle SIGQUIT (started with -Xrs)");
            assertAnswers(jvm);
        }
    }

    @Test
    void dynamicAgentLoadingDisabledIsAttachDisabled() throws Exception {
        assumeTrue(TestJvm.featureVersion() >= 21, "-XX:-EnableDynamicAgentLoading exists from JDK 21");
        try (RunningJvm jvm = target(List.of(), List.of("-XX:-EnableDynamicAgentLoading"))) {
            TestJvm.Result attach = TestJvm.cli(work, "attach", Long.toString(jvm.pid()));
            assertOneLine(attach, 6, "-XX:-EnableDynamicAgentLoading");
            assertAnswers(jvm);
        }
    }

    /** A runtime image made by jlink without java.instrument can run no Java agent: the missing module, exit 13. */
    @Test
    void aRuntimeWithoutJavaInstrumentIsAMissingModule() throws Exception {
        Path runtime = JlinkRuntimes.without("java.instrument");
        List<String> command = List.of(runtime.resolve("bin/java").toString(), "-Dcrashcap.testlib=" + TestJvm.TESTLIB,
                "-cp", TestJvm.TEST_CLASSES.toString(), AttachTarget.class.getName());
        try (RunningJvm jvm = RunningJvm.start(work.resolve("target"), command, Map.of()).awaitOutput(AttachTarget.READY)) {
            TestJvm.Result attach = TestJvm.cli(work, "attach", Long.toString(jvm.pid()));
            assertEquals(13, attach.exitCode(), attach.toString());
            assertTrue(attach.stderr().startsWith("crashcap: the runtime of pid " + jvm.pid()
                    + " has no java.instrument module, so it cannot load Java agents: add it (jlink --add-modules"
                    + " java.instrument)"), attach.stderr());
            assertEquals(1, attach.stderr().lines().count(), attach.stderr());
            assertAnswers(jvm);
        }
    }

    @Test
    void aProcessThatIsNotAJvmIsNotSignalled() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            TestJvm.Result attach = TestJvm.cli(work, "attach", Long.toString(sleep.pid()));
            assertOneLine(attach, 4, "crashcap: not a JVM: pid " + sleep.pid());
            assertTrue(sleep.isAlive(), "SIGQUIT would have killed it");
        } finally {
            sleep.destroyForcibly();
            sleep.waitFor();
        }
    }

    @Test
    void noSuchProcess() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        TestJvm.Result attach = TestJvm.cli(work, "attach", Long.toString(gone.pid()));
        assertOneLine(attach, 3, "crashcap: no such process: " + gone.pid());
        assertOneLine(TestJvm.cli(work, "attach", "not-a-pid"), 2, "crashcap: Invalid value");
    }

    @Test
    void aHungJvmTimesOutAndIsFineAfterwards() throws Exception {
        Path bundles = work.resolve("bundles");
        try (RunningJvm jvm = target(List.of(), quiet())) {
            String pid = Long.toString(jvm.pid());
            signal("STOP", jvm.pid());
            long start = System.nanoTime();
            TestJvm.Result attach;
            try {
                attach = TestJvm.cli(work, "attach", "--timeout", "1", pid, "dir=" + bundles);
            } finally {
                signal("CONT", jvm.pid());
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertOneLine(attach, 8, "crashcap: timed out after 1 s");
            assertTrue(millis < 10_000, "the timeout is kept: " + millis + " ms");
            assertAnswers(jvm);
            assertTrue(leftoverTriggers(jvm.pid()).isEmpty(), "trigger files removed: " + leftoverTriggers(jvm.pid()));

            TestJvm.Result again = TestJvm.cli(work, "attach", pid, "dir=" + bundles);
            assertEquals(0, again.exitCode(), again.stderr());
            assertAnswers(jvm);
        }
    }

    /**
     * As root, against a JVM of another user whose working directory it cannot write; and as that user,
     * whose trigger file then goes to /tmp. Both CLIs run without the jdk.attach module.
     */
    @Test
    void rootAttachesToAnotherUsersJvmAndTheUserToItsOwn() throws Exception {
        assumeTrue(isRoot() && Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs root and setpriv");
        List<String> nobody = List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
        assumeTrue(canRead(nobody), "the build is not readable by uid 65534 (a private checkout)");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path readOnly = Files.createDirectories(work.resolve("read-only")); // root's, 0755: nobody cannot write here
        Path bundles = Files.createDirectories(work.resolve("bundles"));
        Files.setPosixFilePermissions(bundles, PosixFilePermissions.fromString("rwxrwxrwx"));

        try (RunningJvm jvm = RunningJvm.start(readOnly, TestJvm.command(nobody, quiet(), AttachTarget.class.getName()),
                Map.of()).awaitOutput(AttachTarget.READY)) {
            TestJvm.Result attach = TestJvm.cli(work, List.of(), JAVA_BASE_ONLY, "attach", Long.toString(jvm.pid()),
                    "dir=" + bundles.resolve("by-root"));
            assertEquals(0, attach.exitCode(), attach.stderr());
            assertTrue(attach.stdout().startsWith("armed pid " + jvm.pid()), attach.stdout());
            jvm.send("crash segv");
            jvm.awaitExit();
            Path bundle = Inspect.onlyBundle(bundles.resolve("by-root"));
            assertEquals(65534, (Integer) Files.getAttribute(bundle, "unix:uid"), "written by the JVM's user");
        }

        try (RunningJvm jvm = RunningJvm.start(readOnly, TestJvm.command(nobody, quiet(), AttachTarget.class.getName()),
                Map.of()).awaitOutput(AttachTarget.READY)) {
            String pid = Long.toString(jvm.pid());
            TestJvm.Result attach = TestJvm.cli(work, nobody, JAVA_BASE_ONLY, "attach", pid, "dir=" + bundles.resolve("by-user"));
            assertEquals(0, attach.exitCode(), attach.stderr());
            assertTrue(attach.stdout().startsWith("armed pid " + pid), attach.stdout());
            assertTrue(leftoverTriggers(jvm.pid()).isEmpty(), leftoverTriggers(jvm.pid()).toString());

            List<String> someoneElse = List.of("/usr/bin/setpriv", "--reuid=65533", "--regid=65533", "--clear-groups");
            assertOneLine(TestJvm.cli(work, someoneElse, List.of(), "attach", pid), 7,
                    "crashcap: permission denied: pid " + pid + " runs as uid 65534 gid 65534");
            assertAnswers(jvm);
        }
    }

    /**
     * A JVM in a container of sorts: its own pid namespace (it is pid 1 there, so its attach files are named
     * after 1) and its own mount namespace with a private /tmp, where its socket is found through /proc/<pid>/root
     * and where the agent jar is copied, since the JVM cannot see ours there.
     */
    @Test
    void aJvmWithItsOwnPidNamespaceAndTmp() throws Exception {
        assumeTrue(isRoot() && Files.isExecutable(Path.of("/usr/bin/unshare")), "needs root and unshare");
        // Inside an unprivileged container (no CAP_SYS_ADMIN) new namespaces are not allowed: nothing to test.
        assumeTrue(new ProcessBuilder("/usr/bin/unshare", "--mount", "--pid", "--fork", "true").start().waitFor() == 0,
                "unshare is not permitted here");
        // The container gets an empty /tmp of its own, so everything it needs lives outside /tmp: the test
        // classes and library are copied there (the build itself may be under /tmp, as a CI clone can be).
        Path outside = Files.createTempDirectory(Path.of("/var/tmp"), "crashcap-container");
        Path classes = outside.resolve("classes");
        Path library = outside.resolve(TestJvm.TESTLIB.getFileName());
        copyTree(TestJvm.TEST_CLASSES, classes);
        Files.copy(TestJvm.TESTLIB, library);
        Path bundles = Files.createDirectories(outside.resolve("bundles"));
        List<String> container = new java.util.ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--pid",
                "--kill-child", "--mount-proc", "sh", "-c", "mount -t tmpfs tmpfs /tmp && exec \"$@\"", "sh",
                TestJvm.java()));
        container.addAll(TestJvm.nativeAccessFlag());
        container.addAll(quiet());
        container.addAll(List.of("-Dcrashcap.testlib=" + library, "-cp", classes.toString(), AttachTarget.class.getName()));
        try (RunningJvm unshare = RunningJvm.start(work.resolve("target"), container, Map.of())) {
            unshare.awaitOutput(AttachTarget.READY);
            long pid = unshare.process.children().findFirst().orElseThrow().pid();
            assertTrue(Files.readString(Path.of("/proc/" + pid + "/status")).matches("(?s).*\nNSpid:\t" + pid + "\t1\n.*"));

            TestJvm.Result attach = TestJvm.cli(work, "attach", Long.toString(pid), "dir=" + bundles);
            assertEquals(0, attach.exitCode(), attach.stderr());
            assertTrue(attach.stdout().startsWith("armed pid " + pid), attach.stdout());
            assertFalse(Files.exists(Path.of("/tmp/.java_pid1")), "the socket is in the container's /tmp");
            assertTrue(Files.exists(Path.of("/proc/" + pid + "/root/tmp/.java_pid1")));
            TestJvm.Result again = TestJvm.cli(work, "attach", Long.toString(pid));
            assertTrue(again.stdout().contains("is already armed"), again.stdout() + again.stderr());

            unshare.send("crash segv");
            unshare.awaitExit();
            // crashcap's library was unpacked into the container's own /tmp, gone with it: not on this test's disk
            assertEquals("SIGSEGV", JsonReader.get(Inspect.jsonOfAContainer(work, Inspect.onlyBundle(bundles), "/tmp/"),
                    "signal.name"));
        } finally {
            deleteTree(outside);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.collect(Collectors.toList())) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) Files.createDirectories(target);
                else Files.copy(path, target);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * The attached {@code jvm} ended as the same crash ends without crashcap: a target started the same way, never
     * attached, is sent the same crash, and its exit status and hs_err are compared with {@code jvm}'s.
     */
    private void assertSameEndWithoutAgent(RunningJvm jvm, List<String> jvmOptions, String crash)
            throws IOException, InterruptedException {
        TestJvm.Result with = new TestJvm.Result(jvm.awaitExit(), jvm.pid(), jvm.stdout(), jvm.stderr());
        Path plainWork = work.resolve("without-agent");
        try (RunningJvm plain = RunningJvm.start(plainWork, TestJvm.command(List.of(), jvmOptions,
                AttachTarget.class.getName()), Map.of()).awaitOutput(AttachTarget.READY)) {
            plain.send("crash " + crash);
            TestJvm.Result without = new TestJvm.Result(plain.awaitExit(), plain.pid(), plain.stdout(), plain.stderr());
            TestJvm.assertSameEnd(without, with);
        }
    }

    private RunningJvm target(List<String> prefix, List<String> jvmOptions) throws IOException, InterruptedException {
        return RunningJvm.start(work.resolve("target"), TestJvm.command(prefix, jvmOptions, AttachTarget.class.getName()),
                Map.of()).awaitOutput(AttachTarget.READY);
    }

    /** JDK 21+: the documented flag that silences the dynamic-agent warning. */
    static List<String> quiet() {
        return TestJvm.featureVersion() >= 21 ? List.of("-XX:+EnableDynamicAgentLoading") : List.of();
    }

    /** The target is alive and its main thread still works. */
    static void assertAnswers(RunningJvm jvm) throws IOException, InterruptedException {
        assertTrue(jvm.process.isAlive(), "the target must be alive: " + jvm.stderr());
        int pongs = countPongs(jvm);
        jvm.send("ping");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (countPongs(jvm) == pongs) {
            assertTrue(System.nanoTime() < end, "the target does not answer: " + jvm.stdout());
            Thread.sleep(10);
        }
    }

    private static int countPongs(RunningJvm jvm) throws IOException {
        return (int) jvm.stdout().lines().filter("pong"::equals).count();
    }

    static void assertOneLine(TestJvm.Result result, int exitCode, String expected) {
        assertEquals(exitCode, result.exitCode(), result.toString());
        assertEquals("", result.stdout());
        String err = result.stderr();
        assertTrue(err.startsWith("crashcap: "), err);
        assertTrue(err.contains(expected), err);
        assertEquals(1, err.lines().count(), "exactly one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
    }

    private static List<Path> leftoverTriggers(long pid) throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path dir : List.of(Path.of("/tmp"), Path.of("/proc/" + pid + "/cwd"))) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.getFileName().toString().equals(".attach_pid" + pid)).forEach(found::add);
            }
        }
        return found;
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor());
    }

    /** Whether a JVM run with {@code prefix} (as another user) can read the JDK, the jar and the test classes. */
    private static boolean canRead(List<String> prefix) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("/bin/sh", "-c", "test -x \"$0\" && test -r \"$1\" && test -r \"$2\" && test -r \"$3\"",
                TestJvm.java(), TestJvm.JAR.toString(), TestJvm.TESTLIB.toString(),
                TestJvm.TEST_CLASSES.resolve("dev/crashcap/testapp/AttachTarget.class").toString()));
        return new ProcessBuilder(command).start().waitFor() == 0;
    }

    private static boolean isRoot() {
        try {
            return Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t0");
        } catch (IOException e) {
            return false;
        }
    }
}
