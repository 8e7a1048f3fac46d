package dev.crashcap.it;

import static dev.crashcap.it.Inspect.functions;
import static dev.crashcap.it.Inspect.javaMethods;
import static dev.crashcap.it.Inspect.object;
import static dev.crashcap.it.Inspect.objects;
import static dev.crashcap.it.Inspect.thread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.ThreadsApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real JVMs with threads in known states ({@link ThreadsApp}), crashed in each way, and every thread as
 * {@code crashcap inspect --json} shows it: by name, with its tid, Java or native, its Java state, and its native and
 * Java frames in call order.
 */
class ThreadsCaptureIT {
    private static final int EXTRA_THREADS = 20;
    private static final String APP = "dev.crashcap.testapp.ThreadsApp";
    private static final String CRASHER = "dev.crashcap.testapp.Crasher";

    @TempDir
    Path work;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "segv, SIGSEGV, crashcaptest_write_null, fault",
        "abort, SIGABRT, crashcaptest_abort, abort",
        "double-free, SIGABRT, crashcaptest_double_free, heap-corruption",
    })
    void crashInJniShowsEveryThreadAndTheCrashingThreadsJavaCallers(String how, String signal, String crashingFunction,
                                                                     String diagnosis) throws Exception {
        Map<String, Object> json = crash(how);
        assertEveryThread(json);
        assertEquals(diagnosis, JsonReader.get(json, "diagnosis.kind"));

        Map<String, Object> worker = thread(json, ThreadsApp.CRASH_WORKER);
        assertEquals(json.get("crashingThread"), worker);
        assertEquals(true, worker.get("crashed"));
        assertEquals(true, worker.get("java"));
        assertEquals(signal, JsonReader.get(worker, "signal.name"));
        List<Map<String, Object>> frames = objects(worker, "frames");
        List<String> functions = functions(frames);
        int site = functions.indexOf(crashingFunction);
        assertTrue(site >= 0, "no " + crashingFunction + " in " + functions);
        int jni = site + CrashCaptureIT.CHAIN.size();
        assertEquals(CrashCaptureIT.CHAIN, functions.subList(site + 1, jni + 1), "the whole C chain: " + functions);
        assertJavaFramesFollow(frames, jni, CRASHER + ".crash", APP + ".crashHere");
        assertEquals(1, crashedThreads(json).size(), "one thread crashed");
        if (how.equals("segv")) {
            assertEquals("ok", JsonReader.get(json, "threadsSummary.resolver"), "a crash before any exit: the resolver"
                    + " is asked and answers");
        }
    }

    @Test
    void crashInJitCompiledCode() throws Exception {
        Map<String, Object> json = crash("jit");
        assertEveryThread(json);
        assertEquals("fault", JsonReader.get(json, "diagnosis.kind"));
        String summary = (String) JsonReader.get(json, "diagnosis.summary");
        assertTrue(summary.contains("JIT-compiled Java code"), summary);
        assertEquals("0x0", JsonReader.get(json, "signal.address"));

        Map<String, Object> worker = Inspect.object(json, "crashingThread");
        assertEquals(ThreadsApp.CRASH_WORKER, worker.get("name"));
        List<Map<String, Object>> frames = objects(worker, "frames");
        assertEquals("native", frames.get(0).get("kind"));
        assertNull(frames.get(0).get("module"), "the pc is in the JIT's code cache, in no module: " + frames.get(0));
        // putAddress is an intrinsic: compiled into pokeHere, though Unsafe's Java wrappers may show as inlined frames
        List<String> methods = javaMethods(frames).stream().filter(m -> !m.startsWith("sun.misc.Unsafe.")
                && !m.startsWith("jdk.internal.misc.Unsafe.")).collect(Collectors.toList());
        assertTrue(methods.size() >= 2, "Java frames: " + javaMethods(frames));
        assertEquals(List.of(APP + ".pokeHere", APP + ".jit"), methods.subList(0, 2), "Java frames: " + javaMethods(frames));
        Map<String, Object> poke = frames.stream().filter(f -> "pokeHere".equals(f.get("method"))).findFirst().orElseThrow();
        assertEquals(false, poke.get("nativeMethod"));
    }

    @Test
    void stackOverflowInAJniCallOnAJavaThread() throws Exception {
        Map<String, Object> json = crash("stack-overflow-java-thread");
        assertEveryThread(json);
        Map<String, Object> worker = Inspect.object(json, "crashingThread");
        assertEquals(ThreadsApp.CRASH_WORKER, worker.get("name"));
        assertEquals(true, worker.get("java"));
        assertStackOverflow(json, worker);
        List<Map<String, Object>> frames = objects(worker, "frames");
        int jni = functions(frames).indexOf("Java_dev_crashcap_testapp_Crasher_recurseForever");
        assertTrue(jni > 1000, "the JNI function below the recursion: " + jni);
        assertJavaFramesFollow(frames, jni, CRASHER + ".recurseForever", APP + ".recurseHere");

        TestJvm.Result report = TestJvm.cli(work, "inspect", Inspect.onlyBundle(work.resolve("bundles")).toString());
        assertEquals(0, report.exitCode(), report.stderr());
        assertTrue(Pattern.compile("\n  #\\d+-#\\d+  crashcaptest_recurse \\(libcrashcaptest\\.so\\) ×[0-9,]+\n")
                .matcher(report.stdout()).find(), "the recursion folded into one line");
        assertTrue(report.stdout().lines().count() < 2000, "not one line per frame: " + report.stdout().lines().count());
    }

    @Test
    void stackOverflowOnANativeThreadWithASmallStack() throws Exception {
        Map<String, Object> json = crash("stack-overflow-native-thread");
        assertEveryThread(json);
        Map<String, Object> overflow = Inspect.object(json, "crashingThread");
        assertEquals(ThreadsApp.OVERFLOW_THREAD, overflow.get("name"));
        assertEquals(false, overflow.get("java"));
        assertStackOverflow(json, overflow);
        long size = number(overflow, "stack.size");
        long asked = ThreadsApp.OVERFLOW_STACK_KIB * 1024L;
        assertTrue(size >= asked / 2 && size <= asked * 2, "a stack of about " + asked + " bytes: " + size);

        // the Java thread that started it waits in pthread_join, inside its JNI call
        Map<String, Object> starter = thread(json, ThreadsApp.CRASH_WORKER);
        assertEquals(false, starter.get("crashed"));
        List<Map<String, Object>> frames = objects(starter, "frames");
        int jni = functions(frames).indexOf("Java_dev_crashcap_testapp_Crasher_overflowNativeThread");
        assertTrue(jni >= 0, "no JNI frame in " + functions(frames));
        assertJavaFramesFollow(frames, jni, CRASHER + ".overflowNativeThread", APP + ".overflowNativeThreadHere");
    }

    @Test
    void twoThreadsCrashingAtOnceLeaveOneBundleWithBothCrashSites() throws Exception {
        Map<String, Object> json = crash("both-crash"); // one bundle: crash() checks
        assertEveryThread(json);
        List<Map<String, Object>> crashed = crashedThreads(json);
        assertEquals(Set.of(ThreadsApp.CRASH_WORKER, ThreadsApp.CRASH_WORKER_2),
                crashed.stream().map(t -> t.get("name")).collect(Collectors.toSet()));
        for (Map<String, Object> thread : crashed) {
            assertEquals("SIGSEGV", JsonReader.get(thread, "signal.name"), thread.get("name") + "");
            assertEquals(11L, JsonReader.get(thread, "signal.number"));
            assertEquals("0x0", JsonReader.get(thread, "signal.address"));
            List<Map<String, Object>> frames = objects(thread, "frames");
            assertEquals("crashcaptest_write_null", frames.get(0).get("function"), "its own crash site first");
            int jni = functions(frames).indexOf("Java_dev_crashcap_testapp_Crasher_crash");
            assertTrue(jni > 0, "no JNI frame in " + functions(frames));
            assertJavaFramesFollow(frames, jni, CRASHER + ".crash", APP + ".crashHere");
        }
        assertNotEquals(crashed.get(0).get("tid"), crashed.get(1).get("tid"));
    }

    @Test
    void aThreadThatBlocksEverySignalIsListedAsMissingAndTheBundleIsComplete() throws Exception {
        Map<String, Object> json = crash("deaf-thread"); // complete (not truncated): crash() checks
        List<Map<String, Object>> deaf = objects(json, "threads").stream()
                .filter(t -> ThreadsApp.DEAF_THREAD.equals(t.get("name"))).collect(Collectors.toList());
        assertEquals(1, deaf.size(), "the deaf thread is listed by its kernel name");
        Map<String, Object> thread = deaf.get(0);
        assertTrue(String.valueOf(thread.get("missing")).contains("no answer"), String.valueOf(thread));
        assertEquals("S", thread.get("kernelState"));
        assertTrue(objects(thread, "frames").isEmpty());
        assertEquals(false, thread.get("java"));
        long total = number(json, "threadsSummary.total");
        assertEquals(total - 2, number(json, "threadsSummary.answered"), "all but the crashing and the deaf thread");
        Map<String, Object> crashing = object(json, "crashingThread");
        assertEquals(ThreadsApp.CRASH_WORKER, crashing.get("name"));
        assertEquals("crashcaptest_write_null", objects(crashing, "frames").get(0).get("function"));
        assertParked(json);
    }

    /** Runs {@code ThreadsApp <how>} with the agent and returns {@code inspect --json} of the one bundle it leaves. */
    private Map<String, Object> crash(String how) throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.Result jvm = TestJvm.crashWithAgent(work, bundles, List.of(), Map.of(), APP, how,
                String.valueOf(EXTRA_THREADS));
        assertNotEquals(0, jvm.exitCode(), "the JVM must die: " + jvm.stderr());
        assertFalse(jvm.stderr().contains("ThreadsApp:"), "the threads were not in place: " + jvm.stderr());
        assertTrue(hasEntries(bundles), "no bundle; the JVM said: " + jvm.stderr().lines().limit(5).toList());
        Map<String, Object> json = Inspect.json(work, Inspect.onlyBundle(bundles));
        assertEquals(false, json.get("truncated"), "warnings: " + json.get("warnings"));
        assertEquals(jvm.pid(), JsonReader.get(json, "process.pid"));
        return json;
    }

    private static boolean hasEntries(Path directory) throws java.io.IOException {
        if (!Files.isDirectory(directory)) {
            return false;
        }
        try (java.util.stream.Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isPresent();
        }
    }

    /**
     * A thread listed that ended before it could answer: HotSpot ends compiler threads it no longer needs at any
     * time (seen under load, where the capture takes longer). Never one of ThreadsApp's, which the asserts name.
     */
    static boolean exitedDuringCapture(Map<String, Object> thread) {
        return "exited during the capture".equals(thread.get("missing"));
    }

    /** Every thread of the process is listed, answered, and the known ones are where ThreadsApp put them. */
    private static void assertEveryThread(Map<String, Object> json) {
        List<Map<String, Object>> threads = objects(json, "threads");
        long total = number(json, "threadsSummary.total");
        long answered = number(json, "threadsSummary.answered");
        assertEquals(total, threads.size(), "every thread in /proc/self/task is listed");
        assertTrue(total > EXTRA_THREADS + 10, "the JVM's own threads too: " + total);
        int crashed = crashedThreads(json).size();
        long exited = threads.stream().filter(ThreadsCaptureIT::exitedDuringCapture).count();
        assertTrue(answered >= total - crashed - exited && answered <= total, answered + " of " + total + " answered");
        assertTrue(number(json, "threadsSummary.deadlineMillis") > 0);
        assertTrue(number(json, "captureMicros") > 0, "capture time recorded");
        for (Map<String, Object> thread : threads) {
            if (exitedDuringCapture(thread)) continue;
            assertNull(thread.get("missing"), "nothing blocks signals here: " + thread);
            assertTrue(number(thread, "tid") > 0, "tid: " + thread);
            assertFalse(objects(thread, "frames").isEmpty(), "frames: " + thread.get("name"));
            assertEquals((long) objects(thread, "frames").size(), thread.get("depth"));
            assertTrue(String.valueOf(thread.get("kernelState")).matches("[A-Za-z]"), "kernel state: " + thread);
        }
        assertParked(json);
        assertNativeSleeper(json);
        assertFirstJavaFrame(javaThread(json, ThreadsApp.SPINNER, "RUNNABLE"), APP + ".spinHere");
        assertFirstJavaFrame(javaThread(json, ThreadsApp.BLOCKED, "BLOCKED"), APP + ".blockHere");
        assertJavaCalls(javaThread(json, ThreadsApp.TIMED_SLEEPER, "TIMED_WAITING"), "java.lang.Thread.sleep",
                APP + ".sleepHere");
        assertNativeThread(json);
        for (int n = 0; n < EXTRA_THREADS; n++) {
            assertJavaCalls(javaThread(json, ThreadsApp.EXTRA_PREFIX + n, "WAITING"),
                    "java.util.concurrent.locks.LockSupport.park", APP + ".parkHere");
        }
    }

    static void assertParked(Map<String, Object> json) {
        Map<String, Object> parked = javaThread(json, ThreadsApp.PARKED, "WAITING");
        assertJavaCalls(parked, "java.util.concurrent.locks.LockSupport.park", APP + ".parkHere");
        assertEquals("native", objects(parked, "frames").get(0).get("kind"), "where it sleeps in the JVM and libc");
    }

    /** nanosleep ← the library's C functions ← Java_…_sleepInNative ← Crasher.sleepInNative ← sleepInNativeHere. */
    static void assertNativeSleeper(Map<String, Object> json) {
        Map<String, Object> sleeper = javaThread(json, ThreadsApp.NATIVE_SLEEPER, "RUNNABLE");
        List<Map<String, Object>> frames = objects(sleeper, "frames");
        List<String> functions = functions(frames);
        int inner = functions.indexOf("crashcaptest_sleep_inner");
        assertTrue(inner >= 1, "libc's sleep below crashcaptest_sleep_inner: " + functions);
        assertInLibcAndSleeping(frames.subList(0, inner));
        List<String> chain = List.of("crashcaptest_sleep_inner", "crashcaptest_sleep_outer",
                "Java_dev_crashcap_testapp_Crasher_sleepInNative");
        assertEquals(chain, functions.subList(inner, inner + chain.size()), "the C chain: " + functions);
        assertJavaFramesFollow(frames, inner + chain.size() - 1, CRASHER + ".sleepInNative", APP + ".sleepInNativeHere");
    }

    static void assertNativeThread(Map<String, Object> json) {
        Map<String, Object> thread = thread(json, ThreadsApp.NATIVE_THREAD);
        assertEquals(false, thread.get("java"));
        assertNull(thread.get("state"), "no Java state for a native thread");
        List<Map<String, Object>> frames = objects(thread, "frames");
        List<String> functions = functions(frames);
        int idle = functions.indexOf("crashcaptest_native_idle");
        assertTrue(idle >= 1, "libc's sleep below crashcaptest_native_idle: " + functions);
        assertInLibcAndSleeping(frames.subList(0, idle));
        assertEquals("crashcaptest_native_thread_main", functions.get(idle + 1), functions.toString());
        assertEquals(List.of(), javaMethods(frames));
    }

    private static void assertInLibcAndSleeping(List<Map<String, Object>> frames) {
        for (Map<String, Object> frame : frames) {
            assertTrue(String.valueOf(frame.get("module")).startsWith("libc"), "a libc frame: " + frame);
        }
        assertTrue(functions(frames).stream().anyMatch(f -> f.contains("sleep")), "nanosleep: " + functions(frames));
    }

    static Map<String, Object> javaThread(Map<String, Object> json, String name, String state) {
        Map<String, Object> thread = thread(json, name);
        assertEquals(true, thread.get("java"), name);
        assertEquals(state, thread.get("state"), name);
        assertEquals(false, thread.get("crashed"), name);
        return thread;
    }

    static void assertFirstJavaFrame(Map<String, Object> thread, String method) {
        List<String> methods = javaMethods(objects(thread, "frames"));
        assertFalse(methods.isEmpty(), "no Java frames on " + thread.get("name"));
        assertEquals(method, methods.get(0), thread.get("name") + ": " + methods);
    }

    /** {@code callee} is directly called by {@code caller} among the thread's Java frames. */
    static void assertJavaCalls(Map<String, Object> thread, String callee, String caller) {
        List<String> methods = javaMethods(objects(thread, "frames"));
        assertTrue(Collections.indexOfSubList(methods, List.of(callee, caller)) >= 0,
                thread.get("name") + ": " + callee + " called by " + caller + " in " + methods);
    }

    /**
     * The native frames end at {@code jniFrame} (only a frame in no module may follow it, where the walk could not go
     * through Java frames), then the Java frames begin: the native method, a {@code nativeMethod}, then its Java
     * caller; below the Java frames, the call stub and the native frames down to the thread's entry.
     */
    static void assertJavaFramesFollow(List<Map<String, Object>> frames, int jniFrame, String nativeMethod,
                                               String caller) {
        int firstJava = jniFrame + 1;
        while (firstJava < frames.size() && "native".equals(frames.get(firstJava).get("kind"))) {
            assertNull(frames.get(firstJava).get("module"), "after the JNI function only code in no module: "
                    + frames.get(firstJava));
            firstJava++;
        }
        assertTrue(firstJava - jniFrame <= 2, "at most one such frame: " + frames.subList(jniFrame, firstJava));
        assertTrue(firstJava + 1 < frames.size(), "Java frames after the native ones: " + functions(frames));
        Map<String, Object> declared = frames.get(firstJava);
        assertEquals(nativeMethod, declared.get("class") + "." + declared.get("method"), frames.toString());
        assertEquals(true, declared.get("nativeMethod"), declared.toString());
        assertNull(declared.get("line"), "a native method has no line");
        Map<String, Object> callerFrame = frames.get(firstJava + 1);
        assertEquals(caller, callerFrame.get("class") + "." + callerFrame.get("method"), frames.toString());
        assertEquals(false, callerFrame.get("nativeMethod"));
        assertTrue(callerFrame.get("line") instanceof Long, "the caller's line: " + callerFrame);
        // The Java callers, then (the walk through Java frames, issue 10) the call stub through which the JVM's C++
        // called Java, and native frames again down to the thread's entry.
        int end = firstJava;
        while (end < frames.size() && "java".equals(frames.get(end).get("kind"))) {
            end++;
        }
        if (end < frames.size()) {
            assertEquals("StubRoutines::call_stub", frames.get(end).get("function"), "below the Java callers: " + frames);
            assertTrue(functions(frames.subList(end, frames.size())).contains("start_thread"), "down to the thread's entry: "
                    + functions(frames));
        }
    }

    private static void assertStackOverflow(Map<String, Object> json, Map<String, Object> thread) {
        assertEquals("stack-overflow", JsonReader.get(json, "diagnosis.kind"));
        String summary = (String) JsonReader.get(json, "diagnosis.summary");
        assertTrue(summary.startsWith("stack overflow: crashcaptest_recurse recursed "), summary);
        assertTrue(summary.contains("\"" + thread.get("name") + "\""), summary);
        assertEquals("libcrashcaptest.so", JsonReader.get(json, "diagnosis.suspectModule"));
        assertTrue(number(thread, "depth") > 1000, "depth " + thread.get("depth"));
        long recursions = functions(objects(thread, "frames")).stream().filter("crashcaptest_recurse"::equals).count();
        assertTrue(recursions > 1000, "crashcaptest_recurse frames: " + recursions);
        assertTrue(summary.contains(String.format(java.util.Locale.ROOT, "%,d times", recursions)), summary);
        assertTrue(number(thread, "stack.size") > 0);
        assertTrue(((String) JsonReader.get(thread, "stack.low")).startsWith("0x"));
        assertTrue(((String) JsonReader.get(thread, "stack.high")).startsWith("0x"));
        assertEquals("SIGSEGV", JsonReader.get(json, "signal.name"));
    }

    /** A number the capture must hold: a clear failure, not a NullPointerException, when it does not. */
    static long number(Object json, String path) {
        Object value = JsonReader.get(json, path);
        assertTrue(value instanceof Long, path + " is " + value);
        return (Long) value;
    }

    private static List<Map<String, Object>> crashedThreads(Map<String, Object> json) {
        return objects(json, "threads").stream().filter(t -> Boolean.TRUE.equals(t.get("crashed")))
                .collect(Collectors.toList());
    }
}
