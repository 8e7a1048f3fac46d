package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.LocksApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crashcap dump} of a JVM that is not armed takes the native way (docs/attach.md): the target loads
 * libcrashcap.so as a JVMTI agent, which arms, takes the snapshot and lists the locks in C, with no Java agent, no
 * java.instrument and no platform MXBean provider scan; the JVM's class loading log is the proof. The locks stay those of the Java
 * agent's ThreadMXBean listing: a monitor deadlock and a ReentrantLock deadlock both reported, and the four threads'
 * lines the same as in the Java agent's locks.txt of the next dump of the same JVM (armed now, so the Java way).
 */
class NativeDumpIT {
    private static final String APP = LocksApp.class.getName();

    @TempDir
    Path work;

    @Test
    void theFirstDumpIsNativeAndReportsAMonitorAndAReentrantLockDeadlock() throws Exception {
        Path classes = work.resolve("classes.txt");
        Path dumps = work.resolve("dumps");
        List<String> options = new ArrayList<>(AttachIT.quiet());
        options.add("-Xlog:class+load=info:file=" + classes);
        try (RunningJvm jvm = RunningJvm.start(work.resolve("target"), TestJvm.command(List.of(), options, APP), Map.of())
                .awaitOutput("ready ")) {
            TestJvm.Result dump = TestJvm.cli(work, "dump", Long.toString(jvm.pid()), "--out", dumps.toString());
            assertEquals(0, dump.exitCode(), dump.toString());
            assertTrue(dump.stderr().startsWith("armed pid " + jvm.pid() + " (Java "), dump.stderr());
            Path first = Path.of(dump.stdout().strip());

            String loaded = Files.readString(classes);
            assertFalse(loaded.contains(" dev.crashcap.agent."), "no crashcap agent class in the target: " + crashcapLines(loaded));
            assertFalse(loaded.contains(" sun.instrument."), "java.instrument not used");
            assertFalse(loaded.contains(" sun.management.spi.PlatformMBeanProvider "), "no platform MXBean provider scan");
            assertTrue(loaded.contains(" java.lang.management.ThreadInfo "), "the locks are ThreadMXBean's");
            assertEquals(1, crashcapLibraries(jvm.pid()).size(), "one libcrashcap: " + crashcapLibraries(jvm.pid()));
            assertDeadlocks(Inspect.json(work, first));

            // Armed now: the next dump is the Java agent's, bound to the same library, with the same lock lines.
            TestJvm.Result again = TestJvm.cli(work, "dump", Long.toString(jvm.pid()));
            assertEquals(0, again.exitCode(), again.toString());
            assertEquals("", again.stderr());
            Path second = Path.of(again.stdout().strip());
            String after = Files.readString(classes);
            assertTrue(after.contains(" dev.crashcap.agent.Agent "), "the Java agent's dump");
            assertTrue(after.contains(" sun.management.spi.PlatformMBeanProvider "), "ManagementFactory's provider scan");
            assertEquals(1, crashcapLibraries(jvm.pid()).size(), "still one libcrashcap: " + crashcapLibraries(jvm.pid()));
            assertDeadlocks(Inspect.json(work, second));
            assertEquals(lockLines(second), lockLines(first), "the native listing says what ThreadMXBean says");

            AttachIT.assertAnswers(jvm);
            assertEquals("", jvm.stderr(), "the dumps printed nothing in the target");
        }
    }

    /**
     * A runtime made by jlink without java.instrument can load no Java agent, so before, its JVM could not be dumped
     * at all (exit 13); the native dump needs no Java agent.
     */
    @Test
    void aRuntimeWithoutJavaInstrumentIsDumpedWithItsLocks() throws Exception {
        Path runtime = JlinkRuntimes.without("java.instrument");
        List<String> command = List.of(runtime.resolve("bin/java").toString(), "-cp", TestJvm.TEST_CLASSES.toString(), APP);
        try (RunningJvm jvm = RunningJvm.start(work.resolve("target"), command, Map.of()).awaitOutput("ready ")) {
            TestJvm.Result dump = TestJvm.cli(work, "dump", Long.toString(jvm.pid()), "--out", work.resolve("d").toString());
            assertEquals(0, dump.exitCode(), dump.toString());
            assertDeadlocks(Inspect.json(work, Path.of(dump.stdout().strip())));
            AttachIT.assertAnswers(jvm);
        }
    }

    /** monitor-a and monitor-b deadlocked on MonitorA/MonitorB; juc-a and juc-b on the two ReentrantLocks. */
    private static void assertDeadlocks(Map<String, Object> json) {
        assertEquals("deadlock", JsonReader.get(json, "diagnosis.kind"));
        @SuppressWarnings("unchecked")
        List<List<String>> deadlocks = (List<List<String>>) json.get("deadlocks");
        Set<Set<String>> cycles = deadlocks.stream().map(HashSet::new).collect(Collectors.toSet());
        assertEquals(Set.of(Set.of(LocksApp.MONITOR_A, LocksApp.MONITOR_B), Set.of(LocksApp.JUC_A, LocksApp.JUC_B)),
                cycles, "both deadlocks: " + deadlocks);
        assertWaitsFor(json, LocksApp.MONITOR_A, "BLOCKED", LocksApp.MonitorB.class.getName(), LocksApp.MONITOR_B);
        assertWaitsFor(json, LocksApp.MONITOR_B, "BLOCKED", LocksApp.MonitorA.class.getName(), LocksApp.MONITOR_A);
        String sync = "java.util.concurrent.locks.ReentrantLock$NonfairSync";
        assertWaitsFor(json, LocksApp.JUC_A, "WAITING", sync, LocksApp.JUC_B);
        assertWaitsFor(json, LocksApp.JUC_B, "WAITING", sync, LocksApp.JUC_A);
    }

    private static void assertWaitsFor(Map<String, Object> json, String name, String state, String lockClass, String owner) {
        Map<String, Object> thread = ThreadsCaptureIT.javaThread(json, name, state);
        assertEquals(lockClass, JsonReader.get(thread, "waitingOn.class"), name);
        assertEquals(owner, JsonReader.get(thread, "waitingOn.ownerName"), name);
        assertEquals(1, Inspect.objects(thread, "locksHeld").size(), name + " holds " + thread.get("locksHeld"));
    }

    /** locks.txt's lines of the four deadlocked threads (from each one's thread line to the next), and the deadlocks. */
    private static List<String> lockLines(Path bundle) throws IOException {
        List<String> kept = new ArrayList<>();
        boolean inside = false;
        for (String line : Files.readAllLines(bundle.resolve("locks.txt"))) {
            if (line.startsWith("thread\t")) {
                String name = line.split("\t")[2];
                inside = Set.of(LocksApp.MONITOR_A, LocksApp.MONITOR_B, LocksApp.JUC_A, LocksApp.JUC_B).contains(name);
            } else if (line.startsWith("deadlock\t")) {
                inside = false;
                String[] ids = line.substring("deadlock\t".length()).split("\t");
                java.util.Arrays.sort(ids);
                kept.add("deadlock " + String.join(" ", ids));
                continue;
            }
            if (inside) kept.add(line);
        }
        kept.sort(null);
        return kept;
    }

    private static Set<String> crashcapLibraries(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/maps")).stream()
                .filter(line -> line.matches(".*/libcrashcap(-[0-9a-f]+)?\\.so")).map(line -> line.replaceAll(".* ", ""))
                .collect(Collectors.toSet());
    }

    private static String crashcapLines(String loaded) {
        return loaded.lines().filter(line -> line.contains(" dev.crashcap.agent.")).limit(5).collect(Collectors.joining("; "));
    }
}
