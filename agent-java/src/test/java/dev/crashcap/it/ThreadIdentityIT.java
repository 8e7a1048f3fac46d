package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.IdentityTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java thread by its full name, daemon flag, Java state and HotSpot state, in a dump and in a crash, for
 * threads that all started before {@code crashcap attach}: names the kernel cuts to the same 15 characters
 * ({@code pool-1-thread-1}, {@code -10}, {@code -11}), a 40-character name, a thread asleep in JNI, main, a
 * thread renamed (to 100 characters) after the attach, and threads in Object.wait(), asleep holding a monitor and
 * blocked entering it.
 * HotSpot is the oracle: {@code jstack} for names, daemon flags and Java states, hs_err for its own thread states.
 * The Java states are the handler's own (read from each java.lang.Thread), not the resolver thread's.
 */
class ThreadIdentityIT {
    private static final Path JSTACK = TestJvm.JAVA_HOME.resolve("bin/jstack");

    @TempDir
    Path work;

    @Test
    void aDumpNamesEveryJavaThreadAsJstackDoes() throws Exception {
        assumeTrue(Files.isExecutable(JSTACK), "the JDK under test has no jstack");
        try (RunningJvm jvm = target()) {
            attach(jvm);
            rename(jvm);
            Map<Long, ThreadOracle.Seen> jstack = jstack(jvm);
            TestJvm.Result dump = TestJvm.cli(work, "dump", Long.toString(jvm.pid()), "--out",
                    work.resolve("dumps").toString());
            assertEquals(0, dump.exitCode(), dump.toString());
            Map<String, Object> json = Inspect.json(work, Path.of(dump.stdout().strip()));
            assertEquals(List.of(), json.get("warnings"));
            Map<Long, Map<String, Object>> threads = byTid(json);

            long tookTheSnapshot = ((Number) JsonReader.get(json, "signal.tid")).longValue();
            int compared = 0;
            for (ThreadOracle.Seen seen : jstack.values()) {
                if (ThreadOracle.HIDDEN.matcher(seen.name()).matches() || seen.tid() == tookTheSnapshot) continue;
                Map<String, Object> thread = threads.get(seen.tid());
                assertNotNull(thread, "jstack's " + seen + " is in the dump: " + Inspect.threadNames(json));
                assertEquals(seen.name(), thread.get("name"), "the name of tid " + seen.tid());
                assertEquals(true, thread.get("java"), seen.name());
                assertEquals(seen.daemon(), thread.get("daemon"), "daemon: " + seen.name());
                assertEquals(seen.state(), thread.get("state"), "Java state: " + seen.name());
                assertEquals("handler", thread.get("stateSource"), "read by the handler: " + seen.name());
                compared++;
            }
            assertTrue(compared >= IdentityTarget.POOL_THREADS + 3, compared + " threads compared");
            assertOurThreads(threads, jstack);
            assertEquals(false, named(threads, "main").get("daemon"));
            assertEquals("RUNNABLE", named(threads, "main").get("state"), "main reads stdin");
            assertEquals("_thread_in_native", named(threads, IdentityTarget.NATIVE_SLEEPER).get("hotspotState"));
            assertEquals("_thread_in_native", named(threads, "main").get("hotspotState"), "main reads stdin");
            assertEquals("_thread_blocked", named(threads, IdentityTarget.LONG_NAME).get("hotspotState"));
            for (int i = 1; i <= IdentityTarget.POOL_THREADS; i++) {
                assertEquals("_thread_blocked", named(threads, "pool-1-thread-" + i).get("hotspotState"));
            }
        }
    }

    @Test
    void aCrashNamesEveryJavaThreadAsHsErrDoesWithHotSpotsOwnStates() throws Exception {
        assumeTrue(Files.isExecutable(JSTACK), "the JDK under test has no jstack");
        Path bundles = work.resolve("bundles");
        try (RunningJvm jvm = target()) {
            TestJvm.Result attach = TestJvm.cli(work, "attach", Long.toString(jvm.pid()), "dir=" + bundles);
            assertEquals(0, attach.exitCode(), attach.toString());
            rename(jvm);
            Map<Long, ThreadOracle.Seen> jstack = jstack(jvm);
            jvm.send("crash");
            assertNotEquals(0, jvm.awaitExit(), jvm.stderr());
            assertFalse(jvm.stderr().contains("still alive"), jvm.stderr());

            Map<String, Object> json = Inspect.json(work, Inspect.onlyBundle(bundles));
            assertEquals(List.of(), json.get("warnings"));
            Path hsErr = Path.of((String) json.get("hsErr"));
            Map<Long, Map<String, Object>> threads = byTid(json);

            // The crashing thread, as hs_err's "Current thread" line has it.
            ThreadOracle.Seen current = ThreadOracle.hsErrCurrentThread(hsErr);
            Map<String, Object> crashing = Inspect.object(json, "crashingThread");
            assertEquals(IdentityTarget.LONG_NAME, current.name());
            assertEquals(current.tid(), ((Number) crashing.get("tid")).longValue());
            assertEquals(current.name(), crashing.get("name"));
            assertEquals(true, crashing.get("java"));
            assertEquals(current.daemon(), crashing.get("daemon"));
            assertEquals("_thread_in_native", current.state(), "hs_err: a crash in JNI code");
            assertEquals(current.state(), crashing.get("hotspotState"));
            assertEquals("RUNNABLE", crashing.get("state"), "in a JNI call");
            assertEquals("handler", crashing.get("stateSource"), "not left to the resolver");

            // Every other Java thread, as hs_err's thread list has it (names, daemon flags, HotSpot states) ...
            int compared = 0;
            for (ThreadOracle.Seen seen : ThreadOracle.hsErrThreads(hsErr).values()) {
                if (ThreadOracle.HIDDEN.matcher(seen.name()).matches() || seen.name().startsWith("crashcap-")) continue;
                Map<String, Object> thread = threads.get(seen.tid());
                assertNotNull(thread, "hs_err's " + seen + " is in the bundle: " + Inspect.threadNames(json));
                assertEquals(seen.name(), thread.get("name"), "the name of tid " + seen.tid());
                assertEquals(true, thread.get("java"), seen.name());
                assertEquals(seen.daemon(), thread.get("daemon"), "daemon: " + seen.name());
                assertEquals(seen.state(), thread.get("hotspotState"), "HotSpot state: " + seen.name());
                compared++;
            }
            assertTrue(compared >= IdentityTarget.POOL_THREADS + 3, compared + " threads compared");
            // ... and as jstack had them just before the crash (Java states), but for the two that moved on since:
            // the crashing thread, and main, which gave it the order and now joins it.
            Map<Long, ThreadOracle.Seen> before = new HashMap<>(jstack);
            before.remove(current.tid());
            Map<String, Object> main = named(threads, "main");
            before.remove(((Number) main.get("tid")).longValue());
            assertOurThreads(threads, before);
            assertEquals("WAITING", main.get("state"), "main joins the crashing thread");
            assertEquals("handler", main.get("stateSource"));
            assertEquals(false, main.get("daemon"));
        }
    }

    /**
     * main, the pool's threads (one tid each, though the kernel gives -1, -10 and -11 one name), the native sleeper
     * and the 40-character thread: named, flagged and in the state jstack gave.
     */
    private static void assertOurThreads(Map<Long, Map<String, Object>> threads, Map<Long, ThreadOracle.Seen> jstack) {
        List<String> ours = new ArrayList<>(List.of("main", IdentityTarget.NATIVE_SLEEPER, IdentityTarget.LONG_NAME,
                IdentityTarget.RENAMED, IdentityTarget.OBJECT_WAITER, IdentityTarget.MONITOR_HOLDER,
                IdentityTarget.MONITOR_BLOCKED));
        for (int i = 1; i <= IdentityTarget.POOL_THREADS; i++) {
            ours.add("pool-1-thread-" + i);
        }
        Set<Long> tids = new java.util.HashSet<>();
        for (ThreadOracle.Seen seen : jstack.values()) {
            if (!ours.contains(seen.name())) continue;
            Map<String, Object> thread = threads.get(seen.tid());
            assertNotNull(thread, seen.toString());
            assertEquals(seen.name(), thread.get("name"));
            assertEquals(true, thread.get("java"), seen.name());
            assertEquals(seen.daemon(), thread.get("daemon"), seen.name());
            assertEquals(seen.state(), thread.get("state"), seen.name());
            assertEquals("handler", thread.get("stateSource"), "read by the handler: " + seen.name());
            tids.add(seen.tid());
        }
        long expected = jstack.values().stream().filter(seen -> ours.contains(seen.name())).count();
        assertTrue(expected >= ours.size() - 2, "jstack lists our threads: " + jstack.values());
        assertEquals(expected, tids.size(), "one tid each");
        assertEquals("TIMED_WAITING", named(threads, "pool-1-thread-10").get("state"));
        assertEquals(false, named(threads, "pool-1-thread-10").get("daemon"));
        assertEquals(true, named(threads, IdentityTarget.NATIVE_SLEEPER).get("daemon"));
        assertEquals("TIMED_WAITING", named(threads, IdentityTarget.RENAMED).get("state"), "renamed, by its new name");
        assertEquals("RUNNABLE", named(threads, IdentityTarget.NATIVE_SLEEPER).get("state"));
        assertEquals("WAITING", named(threads, IdentityTarget.OBJECT_WAITER).get("state"), "in Object.wait()");
        assertEquals("TIMED_WAITING", named(threads, IdentityTarget.MONITOR_HOLDER).get("state"), "asleep");
        assertEquals("BLOCKED", named(threads, IdentityTarget.MONITOR_BLOCKED).get("state"), "entering a monitor");
    }

    private static Map<String, Object> named(Map<Long, Map<String, Object>> threads, String name) {
        List<Map<String, Object>> found = threads.values().stream().filter(t -> name.equals(t.get("name")))
                .collect(Collectors.toList());
        assertEquals(1, found.size(), "one thread named " + name + ": " + found);
        return found.get(0);
    }

    /** Every thread of the bundle, the crashing one included, by tid. */
    private static Map<Long, Map<String, Object>> byTid(Map<String, Object> json) {
        Map<Long, Map<String, Object>> threads = new HashMap<>();
        for (Map<String, Object> thread : Inspect.objects(json, "threads")) {
            threads.put(((Number) thread.get("tid")).longValue(), thread);
        }
        Object crashing = json.get("crashingThread");
        if (crashing != null) {
            Map<String, Object> thread = Inspect.object(json, "crashingThread");
            threads.put(((Number) thread.get("tid")).longValue(), thread);
        }
        return threads;
    }

    private void attach(RunningJvm jvm) throws IOException, InterruptedException {
        TestJvm.Result attach = TestJvm.cli(work, "attach", Long.toString(jvm.pid()), "dir=" + work.resolve("bundles"));
        assertEquals(0, attach.exitCode(), attach.toString());
    }

    /** Renames {@value IdentityTarget#BEFORE_RENAME} after the attach registered it. */
    private static void rename(RunningJvm jvm) throws IOException, InterruptedException {
        jvm.send("rename");
        jvm.awaitOutput(IdentityTarget.RENAME_DONE);
    }

    private Map<Long, ThreadOracle.Seen> jstack(RunningJvm jvm) throws IOException, InterruptedException {
        TestJvm.Result jstack = TestJvm.run(work, List.of(JSTACK.toString(), Long.toString(jvm.pid())), Map.of());
        assertEquals(0, jstack.exitCode(), jstack.toString());
        Map<Long, ThreadOracle.Seen> threads = ThreadOracle.jstack(jstack.stdout());
        assertTrue(threads.size() > IdentityTarget.POOL_THREADS, jstack.stdout());
        return threads;
    }

    private RunningJvm target() throws IOException, InterruptedException {
        return RunningJvm.start(work.resolve("target"), TestJvm.command(List.of(), AttachIT.quiet(),
                IdentityTarget.class.getName()), Map.of()).awaitOutput(IdentityTarget.READY);
    }
}
