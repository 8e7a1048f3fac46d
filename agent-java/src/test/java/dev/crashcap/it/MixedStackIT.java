package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.crashcap.testapp.OracleShapes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, the walk through Java frames: a thread's stack is one list, native and Java frames in the order they sit
 * on the stack, down to the thread's entry. Every bundle read here also goes through {@link BundleInvariants}, which
 * compares a crash's crashing thread with hs_err's frames (native, Java and call stubs, in order) and checks that the
 * frames' stack pointers never go down.
 */
class MixedStackIT {
    @TempDir
    Path work;

    @Test
    void nestedJniCrashShowsAllThreeSegmentsInOrder() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.crashWithAgent(work, bundles, List.of(), Map.of(), OracleShapes.class.getName(), "nested-crash");
        Map<String, Object> json = Inspect.json(work, Inspect.onlyBundle(bundles));
        List<Map<String, Object>> frames = Inspect.objects(Inspect.thread(json, OracleShapes.NESTED_CRASH_THREAD), "frames");
        String shapes = "java dev.crashcap.testapp.OracleShapes.";
        List<Integer> at = inOrder(frames, List.of("oracle_write_null", "oracle_crash_descend",
                "Java_dev_crashcap_testapp_OracleShapes_nestedCrashC", shapes + "nestedCrashC", shapes + "nestedCrashB",
                "StubRoutines::call_stub", "JavaCalls::call_helper", "jni_CallStaticVoidMethod",
                "Java_dev_crashcap_testapp_OracleShapes_nestedA", shapes + "nestedA", shapes + "lambda$main$",
                "java java.lang.Thread.run", "StubRoutines::call_stub", "JavaCalls::call_helper", "thread_native_entry",
                "start_thread"));
        // C, its native method, Java B, the call stub and call_helper sit next to each other: nothing lost between.
        for (int i = 2; i <= 6; i++) {
            assertEquals(at.get(i - 1) + 1, at.get(i), "adjacent: " + labels(frames));
        }
        assertEquals(at.get(8) + 1, at.get(9), "A, then its native method: " + labels(frames));
        assertEquals("native", frames.get(at.get(3)).get("frameKind"), labels(frames).toString());
        assertEquals("interpreted", frames.get(at.get(4)).get("frameKind"), labels(frames).toString());
        assertEquals(0L, frames.get(at.get(4)).get("bci"), "B calls C with its first bytecode");
        String last = label(frames.get(frames.size() - 1));
        assertTrue(last.equals("clone3") || last.equals("clone"), "the walk reaches the thread's entry: " + labels(frames));
        assertEquals("end", Inspect.thread(json, OracleShapes.NESTED_CRASH_THREAD).get("unwindStop"));
    }

    @Test
    void compiledFramesSayC2AndWhatWasInlined() throws Exception {
        Path bundles = work.resolve("bundles");
        // Compiled at once when the thresholds are crossed, not in the background: C2 has compiled the loop long
        // before its fatal round.
        TestJvm.crashWithAgent(work, bundles, List.of("-XX:-BackgroundCompilation"), Map.of(),
                OracleShapes.class.getName(), "hot-crash");
        Map<String, Object> json = Inspect.json(work, Inspect.onlyBundle(bundles));
        List<Map<String, Object>> frames = Inspect.objects(Inspect.thread(json, OracleShapes.HOT_CRASH_THREAD), "frames");
        String shapes = "java dev.crashcap.testapp.OracleShapes.";
        List<Integer> at = inOrder(frames, List.of("Java_dev_crashcap_testapp_OracleShapes_crashOnRound",
                shapes + "crashOnRound", shapes + "inner", shapes + "hot", shapes + "lambda$main$", "java java.lang.Thread.run",
                "StubRoutines::call_stub", "start_thread"));
        assertEquals("native", frames.get(at.get(1)).get("frameKind"), labels(frames).toString());
        assertEquals("inlined", frames.get(at.get(2)).get("frameKind"), "inner is inlined into hot: " + labels(frames));
        assertEquals("inlined", frames.get(at.get(3)).get("frameKind"), "hot is inlined into the loop: " + labels(frames));
        assertEquals("c2", frames.get(at.get(4)).get("frameKind"), "the loop is C2-compiled: " + labels(frames));
        assertEquals(frames.get(at.get(4)).get("sp"), frames.get(at.get(2)).get("sp"), "inlined frames share their frame's sp");
        assertEquals(3L, frames.get(at.get(2)).get("bci"), "inner calls crashOnRound at bytecode 3");
    }

    @Test
    void aDumpOfTheNestedShapeHasJstacksJavaFramesAndTheWholeNativeStack() throws Exception {
        Path dumps = work.resolve("dumps");
        List<String> options = new ArrayList<>(AttachIT.quiet());
        options.add("-javaagent:" + TestJvm.JAR + "=dir=" + dumps);
        try (RunningJvm jvm = RunningJvm.start(work.resolve("target"), TestJvm.command(List.of(), options,
                OracleShapes.class.getName(), "shapes"), Map.of()).awaitOutput(OracleShapes.READY)) {
            TestJvm.Result result = TestJvm.cli(work, "dump", Long.toString(jvm.pid()), "--out", dumps.toString());
            assertEquals(0, result.exitCode(), result.toString());
            Map<String, List<String>> jstack = jstack(jvm.pid());
            Map<String, Object> json = Inspect.json(work, Path.of(result.stdout().strip()));
            List<String> problems = new ArrayList<>();
            for (String name : OracleShapes.JAVA_THREADS) {
                List<String> crashcap = Inspect.javaMethods(Inspect.objects(Inspect.thread(json, name), "frames")).stream()
                        .filter(m -> !m.contains("$$Lambda")).toList();
                List<String> expected = jstack.getOrDefault(name, List.of()).stream().filter(m -> !m.contains("$$Lambda")).toList();
                if (!crashcap.equals(expected)) {
                    problems.add(name + ": crashcap " + crashcap + "\n    jstack   " + expected);
                }
            }
            if (!problems.isEmpty()) {
                fail("Java frames differ from jstack's:\n  " + String.join("\n  ", problems));
            }
            List<Map<String, Object>> frames = Inspect.objects(Inspect.thread(json, OracleShapes.NESTED), "frames");
            String shapes = "java dev.crashcap.testapp.OracleShapes.";
            inOrder(frames, List.of("oracle_sleep_forever", "oracle_descend", "Java_dev_crashcap_testapp_OracleShapes_nestedC",
                    shapes + "nestedC", shapes + "nestedB", "StubRoutines::call_stub", "JavaCalls::call_helper",
                    "jni_CallStaticVoidMethod", "Java_dev_crashcap_testapp_OracleShapes_nestedA", shapes + "nestedA",
                    "java java.lang.Thread.run", "StubRoutines::call_stub", "thread_native_entry", "start_thread"));
            assertEquals("end", Inspect.thread(json, OracleShapes.NESTED).get("unwindStop"));
        }
    }

    /** {@code jstack pid}: each thread's Java frames ({@code class.method}), by thread name. */
    private static Map<String, List<String>> jstack(long pid) throws Exception {
        Process jstack = new ProcessBuilder(TestJvm.JAVA_HOME.resolve("bin/jstack").toString(), Long.toString(pid))
                .redirectErrorStream(true).start();
        String output = new String(jstack.getInputStream().readAllBytes());
        assertTrue(jstack.waitFor(60, TimeUnit.SECONDS), "jstack ended");
        Map<String, List<String>> threads = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : output.lines().toList()) {
            if (line.startsWith("\"")) {
                current = new ArrayList<>();
                threads.put(line.substring(1, line.indexOf('"', 1)), current);
            } else if (current != null && line.startsWith("\tat ")) {
                current.add(line.substring(4, line.indexOf('(')));
            }
        }
        return threads;
    }

    /** Where each expected frame is, in order ({@link #label} starts with it); fails naming the first one missing. */
    private static List<Integer> inOrder(List<Map<String, Object>> frames, List<String> expected) {
        List<Integer> found = new ArrayList<>();
        int next = 0;
        for (String wanted : expected) {
            int at = -1;
            for (int i = next; i < frames.size() && at < 0; i++) {
                if (label(frames.get(i)).startsWith(wanted)) {
                    at = i;
                }
            }
            if (at < 0) {
                fail("no frame " + wanted + " after #" + (next - 1) + " in " + labels(frames));
            }
            found.add(at);
            next = at + 1;
        }
        return found;
    }

    /** {@code java class.method}, or a native frame's demangled function (a stub's name), or {@code ??}. */
    private static String label(Map<String, Object> frame) {
        if ("java".equals(frame.get("kind"))) {
            return "java " + frame.get("class") + "." + frame.get("method");
        }
        Object demangled = frame.get("demangled");
        Object function = demangled != null ? demangled : frame.get("function");
        return function == null ? "??" : function.toString();
    }

    private static List<String> labels(List<Map<String, Object>> frames) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            Map<String, Object> frame = frames.get(i);
            labels.add("#" + i + " " + label(frame) + (frame.get("frameKind") != null ? " [" + frame.get("frameKind") + "]" : ""));
        }
        return labels;
    }
}
