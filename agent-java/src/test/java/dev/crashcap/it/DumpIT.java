package dev.crashcap.it;

import static dev.crashcap.it.Inspect.objects;
import static dev.crashcap.it.Inspect.thread;
import static dev.crashcap.it.ThreadsCaptureIT.assertFirstJavaFrame;
import static dev.crashcap.it.ThreadsCaptureIT.assertJavaCalls;
import static dev.crashcap.it.ThreadsCaptureIT.javaThread;
import static dev.crashcap.it.ThreadsCaptureIT.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.ThreadChurnApp;
import dev.crashcap.testapp.ThreadsApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crashcap dump} against real running JVMs: {@link ThreadsApp} {@code idle-deadlock} with a few hundred extra
 * parked threads, every thread's frames and locks and the deadlock as {@code inspect --json} shows them, and the
 * target alive and working afterwards.
 */
class DumpIT {
    private static final int EXTRA_THREADS = 300;
    private static final String APP = ThreadsApp.class.getName();
    private static final String MONITOR_OF_MAIN = "java.lang.Object";

    @TempDir
    Path work;

    @Test
    void aDumpOfAJvmWithoutTheAgentArmsItAndShowsEveryThreadItsLocksAndTheDeadlock() throws Exception {
        Path dumps = work.resolve("dumps");
        try (RunningJvm jvm = idleDeadlock()) {
            TestJvm.Result dump = TestJvm.cli(work, "dump", Long.toString(jvm.pid()), "--out", dumps.toString());
            assertEquals(0, dump.exitCode(), dump.toString());
            Path bundle = Path.of(dump.stdout().strip());
            assertEquals(dumps, bundle.getParent(), dump.stdout());
            assertTrue(bundle.getFileName().toString().startsWith("snapshot-"), dump.stdout());
            assertTrue(dump.stderr().startsWith("armed pid " + jvm.pid() + " (Java "), "it armed the JVM: " + dump.stderr());
            assertEquals(1, dump.stderr().lines().count(), dump.stderr());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(bundle.resolve("locks.txt"))));

            Map<String, Object> json = Inspect.json(work, bundle);
            assertSnapshot(json, jvm.pid());
            assertEveryThread(json);
            assertDeadlock(json);

            // Armed now: a second dump needs no arming, and goes to the folder the agent was armed with.
            TestJvm.Result again = TestJvm.cli(work, "dump", Long.toString(jvm.pid()));
            assertEquals(0, again.exitCode(), again.toString());
            assertEquals("", again.stderr());
            Path second = Path.of(again.stdout().strip());
            assertEquals(dumps, second.getParent());
            assertNotEquals(bundle, second);
            assertDeadlock(Inspect.json(work, second));
            TestJvm.Result attach = TestJvm.cli(work, "attach", Long.toString(jvm.pid()));
            assertTrue(attach.stdout().contains("is already armed: crash bundles go to " + dumps), attach.stdout());

            assertAlive(jvm);
            assertEquals("", jvm.stderr(), "the dumps printed nothing in the target");
        }
    }

    @Test
    void repeatedDumpsLeaveTheTargetUnharmedAndSilent() throws Exception {
        Path bundles = work.resolve("bundles");
        try (RunningJvm jvm = idle(List.of("-javaagent:" + TestJvm.JAR + "=dir=" + bundles))) {
            Set<String> paths = new HashSet<>();
            for (int i = 0; i < 8; i++) {
                TestJvm.Result dump = TestJvm.cli(work, "dump", Long.toString(jvm.pid()));
                assertEquals(0, dump.exitCode(), dump.toString());
                assertEquals("", dump.stderr());
                paths.add(dump.stdout().strip());
            }
            assertEquals(8, paths.size(), "eight bundles: " + paths);
            Map<String, Object> last = Inspect.json(work, Path.of(paths.iterator().next()));
            assertEquals("snapshot", last.get("kind"));
            assertEquals(List.of(), last.get("deadlocks"));
            assertEquals("snapshot", JsonReader.get(last, "diagnosis.kind"));
            assertAlive(jvm);
            assertEquals("", jvm.stderr(), "nothing printed in the target");

            TestJvm.Result list = TestJvm.cli(work, "list", bundles.toString());
            assertEquals(0, list.exitCode(), list.stderr());
            assertEquals(9, list.stdout().lines().count(), "a heading and eight snapshots: " + list.stdout());
        }
    }

    /**
     * Threads that end between being listed and answering (HotSpot ends compiler threads, pools end idle ones; on a
     * busy machine the capture is slower and this happens more) are said to have ended, not to block signals.
     * Before, such a thread was "no answer within the deadline (signals blocked, …)" in 5 of 8 dumps of this JVM, and
     * the dump waited out the whole deadline for it.
     */
    @Test
    void threadsThatEndDuringTheDumpAreSaidToHaveEnded() throws Exception {
        Path bundles = work.resolve("bundles");
        List<String> options = new java.util.ArrayList<>(AttachIT.quiet());
        options.add("-javaagent:" + TestJvm.JAR + "=dir=" + bundles);
        try (RunningJvm jvm = RunningJvm.start(work.resolve("target"), TestJvm.command(List.of(), options,
                ThreadChurnApp.class.getName()), Map.of()).awaitOutput("ready ")) {
            for (int i = 0; i < 4; i++) {
                TestJvm.Result dump = TestJvm.cli(work, "dump", Long.toString(jvm.pid()));
                assertEquals(0, dump.exitCode(), dump.toString());
                for (Map<String, Object> thread : objects(Inspect.json(work, Path.of(dump.stdout().strip())), "threads")) {
                    if (thread.get("missing") != null) {
                        assertTrue(ThreadsCaptureIT.exitedDuringCapture(thread), "only threads that ended: " + thread);
                    }
                }
            }
            assertTrue(jvm.process.isAlive(), jvm.stderr());
        }
    }

    @Test
    void aProcessThatIsNotAJvmIsRefusedInOneLine() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            AttachIT.assertOneLine(TestJvm.cli(work, "dump", Long.toString(sleep.pid())), 4,
                    "crashcap: not a JVM: pid " + sleep.pid());
            assertTrue(sleep.isAlive(), "SIGQUIT would have killed it");
        } finally {
            sleep.destroyForcibly();
            sleep.waitFor();
        }
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        AttachIT.assertOneLine(TestJvm.cli(work, "dump", Long.toString(gone.pid())), 3, "crashcap: no such process");
        AttachIT.assertOneLine(TestJvm.cli(work, "dump", "not-a-pid"), 2, "crashcap: Invalid value");
    }

    @Test
    void aFolderTheTargetCannotWriteIsRefusedInOneLine() throws Exception {
        Path file = Files.writeString(work.resolve("a-file"), "not a folder");
        Path bundles = work.resolve("bundles");
        try (RunningJvm jvm = idle(List.of("-javaagent:" + TestJvm.JAR + "=dir=" + bundles))) {
            TestJvm.Result dump = TestJvm.cli(work, "dump", Long.toString(jvm.pid()), "--out", file.resolve("x").toString());
            AttachIT.assertOneLine(dump, 10, "crashcap: pid " + jvm.pid() + " could not write the snapshot: cannot create");
            assertAlive(jvm);
        }
    }

    private RunningJvm idleDeadlock() throws IOException, InterruptedException {
        return RunningJvm.start(work.resolve("target"), TestJvm.command(List.of(), AttachIT.quiet(), APP,
                "idle-deadlock", String.valueOf(EXTRA_THREADS)), Map.of()).awaitOutput("ready ");
    }

    private RunningJvm idle(List<String> jvmOptions) throws IOException, InterruptedException {
        List<String> options = new java.util.ArrayList<>(AttachIT.quiet());
        options.addAll(jvmOptions);
        return RunningJvm.start(work.resolve("target"), TestJvm.command(List.of(), options, APP, "idle"), Map.of())
                .awaitOutput("ready ");
    }

    private static void assertSnapshot(Map<String, Object> json, long pid) {
        assertEquals("snapshot", json.get("kind"));
        assertEquals(false, json.get("truncated"), "warnings: " + json.get("warnings"));
        assertEquals(List.of(), json.get("warnings"));
        assertEquals(pid, JsonReader.get(json, "process.pid"));
        assertNull(json.get("crashingThread"));
        assertNull(JsonReader.get(json, "signal.name"));
        assertTrue(number(json, "captureMicros") > 0);
        assertTrue(json.get("time") instanceof String);
    }

    /** Every thread answered, with frames; the known ones are where ThreadsApp put them, with the locks they hold. */
    private static void assertEveryThread(Map<String, Object> json) {
        List<Map<String, Object>> threads = objects(json, "threads");
        long total = number(json, "threadsSummary.total");
        assertTrue(threads.size() >= total - 1 && threads.size() > EXTRA_THREADS + 10,
                threads.size() + " threads listed of " + total + " (all but the one that took the snapshot)");
        for (Map<String, Object> thread : threads) {
            if (ThreadsCaptureIT.exitedDuringCapture(thread)) continue;
            assertNull(thread.get("missing"), "nothing blocks signals here: " + thread);
            assertFalse(objects(thread, "frames").isEmpty(), "frames: " + thread.get("name"));
            assertEquals(false, thread.get("crashed"));
        }
        ThreadsCaptureIT.assertParked(json);
        ThreadsCaptureIT.assertNativeSleeper(json);
        ThreadsCaptureIT.assertNativeThread(json);
        assertNull(thread(json, ThreadsApp.NATIVE_THREAD).get("locksHeld"), "a native thread has no Java locks");
        assertFirstJavaFrame(javaThread(json, ThreadsApp.SPINNER, "RUNNABLE"), APP + ".spinHere");
        assertJavaCalls(javaThread(json, ThreadsApp.TIMED_SLEEPER, "TIMED_WAITING"), "java.lang.Thread.sleep",
                APP + ".sleepHere");
        for (int n = 0; n < EXTRA_THREADS; n++) {
            Map<String, Object> extra = javaThread(json, ThreadsApp.EXTRA_PREFIX + n, "WAITING");
            assertJavaCalls(extra, "java.util.concurrent.locks.LockSupport.park", APP + ".parkHere");
            assertEquals(List.of(), extra.get("locksHeld"));
            assertNull(extra.get("waitingOn"), "park() without a blocker waits on nothing: " + extra.get("waitingOn"));
        }
        // main holds the monitor blocked-worker waits to enter. (Its own entry cannot be checked here: a main thread
        // that predates the agent is listed under its kernel name, "java"; docs/bundle-format.md.)
        Map<String, Object> blocked = javaThread(json, ThreadsApp.BLOCKED, "BLOCKED");
        assertFirstJavaFrame(blocked, APP + ".blockHere");
        assertEquals(MONITOR_OF_MAIN, JsonReader.get(blocked, "waitingOn.class"));
        assertEquals("main", JsonReader.get(blocked, "waitingOn.ownerName"));
    }

    /** deadlock-a holds LockA and waits for LockB, which deadlock-b holds while it waits for LockA; both named. */
    private static void assertDeadlock(Map<String, Object> json) {
        assertEquals("deadlock", JsonReader.get(json, "diagnosis.kind"));
        String summary = (String) JsonReader.get(json, "diagnosis.summary");
        assertTrue(summary.contains("\"" + ThreadsApp.DEADLOCK_A + "\"") && summary.contains(ThreadsApp.DEADLOCK_B), summary);
        @SuppressWarnings("unchecked")
        List<List<String>> deadlocks = (List<List<String>>) json.get("deadlocks");
        assertEquals(1, deadlocks.size(), "one deadlock: " + deadlocks);
        assertEquals(Set.of(ThreadsApp.DEADLOCK_A, ThreadsApp.DEADLOCK_B), new HashSet<>(deadlocks.get(0)));
        assertEquals(2, deadlocks.get(0).size());

        Map<String, Object> a = javaThread(json, ThreadsApp.DEADLOCK_A, "BLOCKED");
        Map<String, Object> b = javaThread(json, ThreadsApp.DEADLOCK_B, "BLOCKED");
        assertWaitsFor(a, ThreadsApp.LockA.class, ThreadsApp.LockB.class, ThreadsApp.DEADLOCK_B);
        assertWaitsFor(b, ThreadsApp.LockB.class, ThreadsApp.LockA.class, ThreadsApp.DEADLOCK_A);
        assertEquals(JsonReader.get(a, "waitingOn.identityHash"), objects(b, "locksHeld").get(0).get("identityHash"));
        assertEquals(JsonReader.get(b, "waitingOn.identityHash"), objects(a, "locksHeld").get(0).get("identityHash"));
    }

    private static void assertWaitsFor(Map<String, Object> thread, Class<?> holds, Class<?> waitsFor, String owner) {
        assertFirstJavaFrame(thread, APP + ".lockBothHere");
        assertEquals("native", objects(thread, "frames").get(0).get("kind"), "where it blocks in the JVM and libc");
        List<Map<String, Object>> held = objects(thread, "locksHeld");
        assertEquals(1, held.size(), thread.get("name") + " holds " + held);
        assertEquals(holds.getName(), held.get(0).get("class"));
        assertTrue(((String) held.get(0).get("identityHash")).startsWith("0x"));
        assertEquals(waitsFor.getName(), JsonReader.get(thread, "waitingOn.class"));
        assertEquals(owner, JsonReader.get(thread, "waitingOn.ownerName"));
    }

    /** Alive, and its main thread still answers. */
    private static void assertAlive(RunningJvm jvm) throws IOException, InterruptedException {
        assertTrue(jvm.process.isAlive(), "the target must be alive: " + jvm.stderr());
        long pongs = jvm.stdout().lines().filter("pong"::equals).count();
        jvm.send("ping");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (jvm.stdout().lines().filter("pong"::equals).count() == pongs) {
            assertTrue(System.nanoTime() < end, "the target does not answer: " + jvm.stdout());
            Thread.sleep(10);
        }
    }
}
