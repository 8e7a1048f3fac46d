package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.testapp.GcCrashAfterCriticalOverrun;
import dev.crashcap.testapp.MethodNamesOracle;
import dev.crashcap.testapp.ThreadsApp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java frames named without the resolver thread, from HotSpot's own structures read in the signal handler
 * (handler/java_method_name.c): checked against reflection and StackWalker inside a live JVM, in a dump while the
 * resolver is stopped, and in a JVM that dies inside its garbage collector.
 */
class JavaNamesIT {
    private static final Path NAMES_TESTLIB = TestJvm.TESTLIB.resolveSibling("libcrashcapnames.so");
    private static final Pattern CHECKED = Pattern.compile("checked (\\d+) methods, (\\d+) frames");

    @TempDir
    Path work;

    @Test
    void methodsAreNamedAsReflectionAndStackWalkerNameThem() throws Exception {
        TestJvm.Result jvm = TestJvm.run(work, TestJvm.command(List.of(), List.of("-Dcrashcap.namestestlib=" + NAMES_TESTLIB),
                MethodNamesOracle.class.getName()), Map.of());
        assertEquals(0, jvm.exitCode(), "every method and frame named alike:\n" + jvm.stdout() + jvm.stderr());
        Matcher checked = CHECKED.matcher(jvm.stdout());
        assertTrue(checked.find(), jvm.stdout());
        assertTrue(Integer.parseInt(checked.group(1)) > 300, "methods of Thread, String, ConcurrentHashMap, … " + jvm.stdout());
        assertTrue(Integer.parseInt(checked.group(2)) >= 6, "frames of main, the lambda, Nested.deeper … " + jvm.stdout());
    }

    /** The resolver stopped (ptrace, that thread only): every Java frame of the dump is still named, with its line. */
    @Test
    void aDumpNamesEveryJavaFrameWhileTheResolverIsStopped() throws Exception {
        Path bundles = work.resolve("bundles");
        List<String> options = new ArrayList<>(AttachIT.quiet());
        options.add("-javaagent:" + TestJvm.JAR + "=dir=" + bundles);
        try (RunningJvm jvm = RunningJvm.start(work.resolve("target"),
                TestJvm.command(List.of(), options, ThreadsApp.class.getName(), "idle"), Map.of()).awaitOutput("ready ")) {
            dump(jvm); // the resolver has done a job: its thread is known
            int resolver = DumpLifetimeIT.tidNamed(jvm.pid(), DumpLifetimeIT.RESOLVER_KERNEL_NAME);
            Path bundle = DumpLifetimeIT.whileThreadStopped(resolver, () -> dump(jvm));
            Map<String, Object> json = Inspect.json(work, bundle);
            List<Map<String, Object>> parked = Inspect.objects(Inspect.thread(json, ThreadsApp.PARKED), "frames");
            List<String> methods = Inspect.javaMethods(parked);
            assertTrue(methods.contains("java.util.concurrent.locks.LockSupport.park"), methods.toString());
            String parkHere = javaTexts(parked).stream().filter(text -> text.contains("ThreadsApp.parkHere(")).findFirst()
                    .orElseThrow(() -> new AssertionError("no parkHere frame: " + javaTexts(parked)));
            assertTrue(parkHere.matches("at dev\\.crashcap\\.testapp\\.ThreadsApp\\.parkHere\\(ThreadsApp\\.java:\\d+\\)"),
                    parkHere);
            assertEveryJavaFrameNamed(json, 10);
        }
    }

    /**
     * A JNI library overruns a critical array; the next full GC dies in libjvm. AsyncGetCallTrace refuses to walk
     * any thread while a GC is active (java.error -2), so until crashcap walks Java frames itself (the mixed walk)
     * such a bundle has none; whatever Java frames it has must be named, and the layout must have been usable.
     */
    @Test
    void aGcCrashAfterACriticalArrayOverrunDiesInLibjvmAndNamesWhatJavaFramesItHas() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.Result jvm = TestJvm.crashWithAgent(work, bundles, List.of(), Map.of(),
                GcCrashAfterCriticalOverrun.class.getName());
        assertEquals(134, jvm.exitCode(), jvm.stderr());
        assertTrue(TestJvm.hsErrWritten(jvm), "hs_err written: " + jvm.stdout());
        assertTrue(jvm.stdout().matches("(?s).*# Problematic frame:\\R# V  \\[libjvm\\.so\\+.*"),
                "died inside the JVM (a V frame in libjvm): " + jvm.stdout());
        Map<String, Object> json = Inspect.json(work, Inspect.onlyBundle(bundles));
        assertFalse(String.valueOf(json.get("warnings")).contains("method layout"), "warnings: " + json.get("warnings"));
        // AsyncGetCallTrace refuses every thread while the GC runs (java.error -2): the Java frames come from the walk
        // through HotSpot's frames alone (Method* of interpreted frames and nmethods), and are named from it.
        assertEveryJavaFrameNamed(json, 2);
        // The thread that asked for the GC: Runtime.gc (the native method that waits for the GC), then the test's own
        // code. collectUntilDead may be inlined into a compiled main (an OSR compilation of main's allocation loop):
        // without AsyncGetCallTrace the walk sees only the compiled frame's own method, so either name will do.
        assertThreadHasJavaFrame(json, "main", "at java.lang.Runtime.gc(");
        assertThreadHasJavaFrame(json, "main", "at " + GcCrashAfterCriticalOverrun.class.getName() + ".");
        assertThreadHasJavaFrame(json, GcCrashAfterCriticalOverrun.WAITER_NAME,
                "at " + GcCrashAfterCriticalOverrun.class.getName() + ".waitHere(");
    }

    private static void assertThreadHasJavaFrame(Map<String, Object> json, String threadName, String prefix) {
        List<Map<String, Object>> threads = new ArrayList<>(Inspect.objects(json, "threads"));
        if (json.get("crashingThread") != null) threads.add(Inspect.object(json, "crashingThread"));
        Map<String, Object> thread = threads.stream().filter(t -> threadName.equals(t.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + threadName));
        List<String> java = javaTexts(Inspect.objects(thread, "frames"));
        assertTrue(java.stream().anyMatch(text -> text.startsWith(prefix)), threadName + ": " + java);
    }

    private Path dump(RunningJvm jvm) throws Exception {
        TestJvm.Result dump = TestJvm.cli(work, "dump", Long.toString(jvm.pid()));
        assertEquals(0, dump.exitCode(), dump.toString());
        return Path.of(dump.stdout().strip());
    }

    private static List<String> javaTexts(List<Map<String, Object>> frames) {
        return frames.stream().filter(frame -> "java".equals(frame.get("kind"))).map(frame -> (String) frame.get("text"))
                .toList();
    }

    /** No Java frame of any thread is left as a raw method id; at least `atLeast` Java frames in all. */
    static void assertEveryJavaFrameNamed(Map<String, Object> json, int atLeast) {
        List<Map<String, Object>> threads = new ArrayList<>(Inspect.objects(json, "threads"));
        if (json.get("crashingThread") != null) threads.add(Inspect.object(json, "crashingThread"));
        int named = 0;
        for (Map<String, Object> thread : threads) {
            for (String text : javaTexts(Inspect.objects(thread, "frames"))) {
                assertFalse(text.contains("jmethodID:") || text.startsWith("at ?."), thread.get("name") + ": " + text);
                assertTrue(text.matches("at [\\w.$/]+\\.[\\w$<>]+\\(.*\\)"), thread.get("name") + ": " + text);
                named++;
            }
        }
        assertTrue(named >= atLeast, named + " Java frames named, expected at least " + atLeast);
    }
}
