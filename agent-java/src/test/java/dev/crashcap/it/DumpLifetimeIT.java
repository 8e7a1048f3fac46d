package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.testapp.ThreadsApp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dump must never be able to harm its target, also when the JVM cannot name Java frames in time: crashcap's resolver
 * thread is stopped (ptrace, one thread only: crashcaptest-stop-thread) while several dumps give up waiting for it, then
 * let go. The target must live on, the next dump must be whole (Java frames named), and dumps must give back the
 * memory they map.
 */
class DumpLifetimeIT {
    static final String RESOLVER_KERNEL_NAME = "crashcap-resolv";
    /** Its Java name, while it is attached to the JVM (agent-native/src/arming/java_resolver.c). */
    static final String RESOLVER_NAME = "crashcap-resolver";
    private static final int DUMPS_WHILE_STOPPED = 3;
    private static final int DUMPS_COUNTED = 6;

    @TempDir
    Path work;

    @Test
    void dumpsThatGiveUpOnAStuckResolverLeaveTheTargetHealthyAndTheNextDumpWhole() throws Exception {
        Path bundles = work.resolve("bundles");
        List<String> options = new ArrayList<>(AttachIT.quiet());
        options.add("-javaagent:" + TestJvm.JAR + "=dir=" + bundles);
        try (RunningJvm jvm = RunningJvm.start(work.resolve("target"),
                TestJvm.command(List.of(), options, ThreadsApp.class.getName(), "idle"), Map.of()).awaitOutput("ready ")) {
            assertWhole(dump(jvm)); // the resolver has done a job: its thread is known (and detached again)
            int resolver = tidNamed(jvm.pid(), RESOLVER_KERNEL_NAME);

            whileThreadStopped(resolver, () -> {
                for (int i = 0; i < DUMPS_WHILE_STOPPED; i++) {
                    dump(jvm); // each gives up on the resolver after its deadline, and returns
                }
                return null;
            }); // then the resolver goes on with what it was asked

            assertWhole(dump(jvm));
            AttachIT.assertAnswers(jvm);

            long mappings = mappings(jvm.pid());
            for (int i = 0; i < DUMPS_COUNTED; i++) {
                dump(jvm);
            }
            assertEquals(mappings, mappings(jvm.pid()), "dumps give back what they map (/proc/<pid>/maps lines)");
            AttachIT.assertAnswers(jvm);
            assertEquals("", jvm.stderr(), "nothing printed in the target");
        }
    }

    /**
     * After a dump, crashcap's resolver thread (it names the Java frames, attached to the JVM while it works) is gone
     * from the JVM's thread list again: a thread that stays attached while it waits in read() for the next job makes
     * every exit of the JVM wait 300 ms for it (HotSpot's VM_Exit::wait_for_threads_in_native_to_block). Two dumps
     * (the second re-attaches it), each with named Java frames, so the resolver did work both times. The first dump
     * also arms the JVM, the way crashcap dump is used most.
     */
    @Test
    void theResolverThreadLeavesTheJvmsThreadListWhenADumpIsDone() throws Exception {
        try (RunningJvm jvm = RunningJvm.start(work.resolve("target"),
                TestJvm.command(List.of(), AttachIT.quiet(), ThreadsApp.class.getName(), "idle"), Map.of()).awaitOutput("ready ")) {
            for (int i = 0; i < 2; i++) {
                assertWhole(dump(jvm));
                List<String> threads = javaThreads(jvm, i);
                assertTrue(threads.contains(ThreadsApp.PARKED), "the thread list is read: " + threads);
                assertFalse(threads.contains(RESOLVER_NAME), "after dump " + (i + 1) + ": " + threads);
            }
            assertEquals("", jvm.stderr(), "nothing printed in the target");
        }
    }

    /** The names in the target's thread list, from its {@code threads} command (the {@code n}th answer, from 0). */
    private static List<String> javaThreads(RunningJvm jvm, int n) throws IOException, InterruptedException {
        jvm.send("threads");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<String> answers = jvm.stdout().lines().filter(line -> line.startsWith(ThreadsApp.JAVA_THREADS)).toList();
            if (answers.size() > n) return List.of(answers.get(n).substring(ThreadsApp.JAVA_THREADS.length()).split(","));
            assertTrue(jvm.process.isAlive() && System.nanoTime() < end, "no answer to 'threads': " + jvm.stdout());
            Thread.sleep(10);
        }
    }

    /** crashcap dump of the target; returns its bundle. */
    private Path dump(RunningJvm jvm) throws IOException, InterruptedException {
        TestJvm.Result dump = TestJvm.cli(work, "dump", Long.toString(jvm.pid()));
        assertEquals(0, dump.exitCode(), dump.toString());
        assertTrue(jvm.process.isAlive(), "the target died: " + jvm.stderr());
        return Path.of(dump.stdout().strip());
    }

    /** Every thread answered and the Java frames of the parked threads are named. */
    private void assertWhole(Path bundle) throws IOException, InterruptedException {
        Map<String, Object> json = Inspect.json(work, bundle);
        assertEquals(false, json.get("truncated"), "warnings: " + json.get("warnings"));
        ThreadsCaptureIT.assertParked(json);
    }

    static Path stopThreadTool() {
        return TestJvm.TESTLIB.resolveSibling("crashcaptest-stop-thread");
    }

    /**
     * Runs {@code whileStopped} with the thread {@code tid} stopped (crashcaptest-stop-thread: ptrace, that thread only,
     * the rest of the JVM runs on), then lets it go and checks it was stopped until then.
     */
    static <T> T whileThreadStopped(int tid, Callable<T> whileStopped) throws Exception {
        Process stopper = new ProcessBuilder(stopThreadTool().toString(), Integer.toString(tid)).redirectErrorStream(true)
                .start();
        try {
            BufferedReader said = new BufferedReader(new InputStreamReader(stopper.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("stopped", said.readLine(), "crashcaptest-stop-thread could not stop thread " + tid);
            return whileStopped.call();
        } finally {
            stopper.getOutputStream().close();
            assertTrue(stopper.waitFor(30, TimeUnit.SECONDS), "the stopper did not let go");
            assertEquals(0, stopper.exitValue(), "thread " + tid + " was stopped until then");
        }
    }

    static int tidNamed(long pid, String name) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            List<Path> matching = tasks.filter(task -> name.equals(comm(task))).toList();
            assertEquals(1, matching.size(), "one thread named " + name);
            return Integer.parseInt(matching.get(0).getFileName().toString());
        }
    }

    private static String comm(Path task) {
        try {
            return Files.readString(task.resolve("comm")).strip();
        } catch (IOException gone) {
            return "";
        }
    }

    private static long mappings(long pid) throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/" + pid + "/maps"))) {
            return lines.count();
        }
    }
}
