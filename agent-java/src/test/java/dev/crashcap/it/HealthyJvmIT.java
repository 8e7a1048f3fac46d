package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.testapp.Crasher;
import dev.crashcap.testapp.HealthyApp;
import dev.crashcap.testapp.NullCheckLoop;
import dev.crashcap.testapp.SignalMasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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

    /**
     * crashcap's handler calls HotSpot's from inside itself, so the kernel applies crashcap's mask while HotSpot's
     * handler runs: it must be HotSpot's own, or SIGQUIT, SIGPROF (a profiler's AsyncGetCallTrace), HotSpot's
     * suspend/resume signal or real-time signals could interrupt HotSpot's signal handling (docs/threads.md, "Signal
     * masks"). Where nothing handled the signal before (SIGABRT), and for crashcap's service signal: the same mask.
     */
    @Test
    void handlersBlockWhatHotSpotsHandlerBlocks() throws Exception {
        TestJvm.Result plain = TestJvm.runWithoutAgent(work.resolve("plain"), SignalMasks.class.getName());
        TestJvm.Result armed = TestJvm.runWithAgent(work.resolve("armed"), work.resolve("bundles"), List.of(), Map.of(),
                SignalMasks.class.getName(), "armed");
        assertEquals(0, plain.exitCode(), plain.stderr());
        assertEquals(0, armed.exitCode(), armed.stderr());
        Map<String, String[]> before = handlers(plain.stdout());
        Map<String, String[]> after = handlers(armed.stdout());

        String hotspotMask = before.get("SIGSEGV")[1];
        long sigquit = 1L << (3 - 1);
        assertTrue((Long.parseUnsignedLong(hotspotMask, 16) & sigquit) != 0, "HotSpot's handler blocks SIGQUIT: " + plain.stdout());
        for (String sig : List.of("SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL")) {
            assertEquals("libjvm.so", before.get(sig)[0], plain.stdout());
            assertTrue(isCrashcap(after.get(sig)[0]), armed.stdout());
            assertEquals(before.get(sig)[1], after.get(sig)[1], sig + " with crashcap: " + armed.stdout() + "without: " + plain.stdout());
        }
        assertEquals("", before.get("SIGABRT")[0], plain.stdout());
        assertTrue(isCrashcap(after.get("SIGABRT")[0]), armed.stdout());
        assertEquals(hotspotMask, after.get("SIGABRT")[1], "SIGABRT: " + armed.stdout());
        String[] service = after.entrySet().stream()
                .filter(e -> e.getKey().startsWith("SIGRT") && isCrashcap(e.getValue()[0]))
                .map(Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError("no service signal: " + armed.stdout()));
        assertEquals(hotspotMask, service[1], "the service signal: " + armed.stdout());
    }

    /** The agent's library, extracted from the jar as libcrashcap-<digest>.so. */
    private static boolean isCrashcap(String module) {
        return module.startsWith("libcrashcap-") || module.equals("libcrashcap.so");
    }

    /** SignalMasks' lines: signal name to {module, hex mask}. */
    private static Map<String, String[]> handlers(String stdout) {
        Map<String, String[]> handlers = new HashMap<>();
        stdout.lines().map(line -> line.split(" ", -1)).filter(parts -> parts.length == 3)
                .forEach(parts -> handlers.put(parts[0], new String[] { parts[1], parts[2] }));
        return handlers;
    }

    /**
     * While a live snapshot runs, crashcap's handler takes its full path (its guarded steps may fault on any thread),
     * not the pass-through shortcut of an idle agent: HotSpot's own signals must still reach HotSpot then, and none
     * may be captured as a crash. Two threads take implicit null checks in compiled code without pause while the
     * JVM is dumped.
     */
    @Test
    void everydaySignalsStillPassThroughWhileADumpRuns() throws Exception {
        Path bundles = work.resolve("bundles");
        // quiet(): the dump attaches, and JDK 21+ warns of a dynamically loaded agent without the flag
        List<String> options = new java.util.ArrayList<>(AttachIT.quiet());
        options.addAll(List.of("-XX:-OmitStackTraceInFastThrow", "-javaagent:" + TestJvm.JAR + "=dir=" + bundles));
        try (RunningJvm jvm = RunningJvm.start(work.resolve("target"), TestJvm.command(List.of(), options,
                NullCheckLoop.class.getName()), Map.of()).awaitOutput("ready ")) {
            for (int i = 0; i < 4; i++) {
                TestJvm.Result dump = TestJvm.cli(work, "dump", Long.toString(jvm.pid()));
                assertEquals(0, dump.exitCode(), dump.toString());
                assertEquals("snapshot", Inspect.json(work, Path.of(dump.stdout().strip())).get("kind"));
            }
            jvm.process.getOutputStream().close();
            assertEquals(HealthyApp.EXIT_CODE, jvm.awaitExit(), jvm.stdout() + jvm.stderr());
            assertTrue(jvm.stdout().contains("null checks ok"), jvm.stdout());
            assertEquals("", jvm.stderr(), "no stray output from the agent");
        }
        try (var entries = Files.list(bundles)) {
            assertEquals(4, entries.count(), "the four snapshots, no crash bundle");
        }
        try (var entries = Files.list(work.resolve("target"))) {
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
        assertEquals("crashcap: unknown agent option 'bogus' ignored (known: dir, url, token, sentry-dsn, max-bundles, max-mb, crash-loop-limit, release, environment, in-app, verbose, stack-memory, sentry-minidump)", result.stderr().lines().findFirst().orElse(""));
        assertTrue(Inspect.onlyBundle(bundles).getFileName().toString().startsWith("crash-"));
    }
}
