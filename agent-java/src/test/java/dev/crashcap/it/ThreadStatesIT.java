package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crashcap.testapp.ThreadsApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java thread states read by the signal handler from each java.lang.Thread, not by the resolver thread: a live dump
 * taken while the resolver is stopped (ptrace, that thread only, as JavaNamesIT does) still has every Java thread's
 * state, and it is the one jstack gives. ThreadsApp's threads cover the states: parked (WAITING), asleep
 * (TIMED_WAITING), blocked on a monitor (BLOCKED), asleep in a JNI call and spinning (RUNNABLE).
 * Before the handler read them, such a dump had no states at all.
 */
class ThreadStatesIT {
    private static final Path JSTACK = TestJvm.JAVA_HOME.resolve("bin/jstack");

    @TempDir
    Path work;

    @Test
    void aDumpWhoseResolverIsStoppedHasTheStatesJstackGives() throws Exception {
        assumeTrue(Files.isExecutable(JSTACK), "the JDK under test has no jstack");
        List<String> options = new ArrayList<>(AttachIT.quiet());
        options.add("-javaagent:" + TestJvm.JAR + "=dir=" + work.resolve("bundles"));
        try (RunningJvm jvm = RunningJvm.start(work.resolve("target"),
                TestJvm.command(List.of(), options, ThreadsApp.class.getName(), "idle"), Map.of()).awaitOutput("ready ")) {
            dump(jvm); // the resolver has done a job: its thread is known
            int resolver = DumpLifetimeIT.tidNamed(jvm.pid(), DumpLifetimeIT.RESOLVER_KERNEL_NAME);
            Taken taken = DumpLifetimeIT.whileThreadStopped(resolver, () -> {
                Path dumped = dump(jvm);
                TestJvm.Result printed = TestJvm.run(work, List.of(JSTACK.toString(), Long.toString(jvm.pid())), Map.of());
                assertEquals(0, printed.exitCode(), printed.toString());
                return new Taken(dumped, ThreadOracle.jstack(printed.stdout()));
            });
            Path bundle = taken.bundle();
            Map<Long, ThreadOracle.Seen> jstack = taken.jstack();
            Map<String, Object> json = Inspect.json(work, bundle);
            Map<String, String> expected = Map.of(ThreadsApp.PARKED, "WAITING", ThreadsApp.TIMED_SLEEPER, "TIMED_WAITING",
                    ThreadsApp.BLOCKED, "BLOCKED", ThreadsApp.NATIVE_SLEEPER, "RUNNABLE", ThreadsApp.SPINNER, "RUNNABLE",
                    "main", "RUNNABLE");
            for (Map.Entry<String, String> thread : expected.entrySet()) {
                Map<String, Object> captured = Inspect.thread(json, thread.getKey());
                assertEquals(thread.getValue(), captured.get("state"), "the state of " + thread.getKey());
                assertEquals("handler", captured.get("stateSource"), "read by the handler: " + thread.getKey());
            }
            // jstack, after the dump (these threads stay as they are): every Java thread it lists with a state, but
            // the one that took the snapshot, the one that served jstack, and the stopped resolver (it cannot answer).
            long tookTheSnapshot = ((Number) dev.crashcap.bundle.JsonReader.get(json, "signal.tid")).longValue();
            int compared = 0;
            for (ThreadOracle.Seen seen : jstack.values()) {
                if (ThreadOracle.HIDDEN.matcher(seen.name()).matches() || seen.state() == null
                        || seen.tid() == tookTheSnapshot || seen.name().equals("Attach Listener")
                        || seen.tid() == resolver) {
                    continue;
                }
                Map<String, Object> captured = Inspect.objects(json, "threads").stream()
                        .filter(t -> ((Number) t.get("tid")).longValue() == seen.tid()).findFirst().orElse(null);
                assertNotNull(captured, "jstack's " + seen + " is in the dump: " + Inspect.threadNames(json));
                assertEquals(seen.state(), captured.get("state"), "as jstack says: " + seen.name());
                assertEquals("handler", captured.get("stateSource"), "read by the handler: " + seen.name());
                compared++;
            }
            assertTrue(compared >= expected.size(), compared + " threads compared with jstack");
        }
    }

    /** What was taken while the resolver was stopped: crashcap's dump and jstack's, one after the other. */
    private record Taken(Path bundle, Map<Long, ThreadOracle.Seen> jstack) {}

    private Path dump(RunningJvm jvm) throws Exception {
        TestJvm.Result dump = TestJvm.cli(work, "dump", Long.toString(jvm.pid()));
        assertEquals(0, dump.exitCode(), dump.toString());
        return Path.of(dump.stdout().strip());
    }
}
