package dev.crashcap.report;

import static dev.crashcap.bundle.JsonReader.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.bundle.Samples;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code inspect --json} and {@code list --json} contract, read back as JSON, not searched as text. */
class BundleJsonTest {

    private static Map<String, Object> inspect(String sample, String hsErr) throws Exception {
        return JsonReader.object(Json.write(BundleJson.inspect(Samples.parse(sample), hsErr)));
    }

    @Test
    void topLevelFields() throws Exception {
        Map<String, Object> json = inspect(Samples.SEGV, "/work/app/hs_err_pid4242.log");
        assertEquals(1L, json.get("schema"));
        assertEquals("crash", json.get("kind"));
        assertEquals("/bundles/segv.txt", json.get("path"));
        assertEquals(false, json.get("truncated"));
        assertEquals("2026-11-24T10:49:24Z", json.get("time"));
        assertEquals(null, json.get("abortMessage"));
        assertEquals("/work/app/hs_err_pid4242.log", json.get("hsErr"));
        assertEquals(List.of(), json.get("warnings"));
        assertTrue(json.containsKey("abortMessage"), "null fields are present, not left out");
    }

    @Test
    void processJvmAndAgent() throws Exception {
        Map<String, Object> json = inspect(Samples.SEGV, null);
        assertEquals(4242L, get(json, "process.pid"));
        assertEquals(812L, get(json, "process.uptimeMillis"));
        assertEquals(1795517363188L, get(json, "process.startEpochMillis"));
        assertEquals("/work/app", get(json, "process.cwd"));
        assertEquals(List.of("java", "-javaagent:/opt/crashcap/crashcap.jar", "-Djava.library.path=/tmp", "-cp",
                "/work/app/classes", "dev.crashcap.it.Crasher", "segv", "--greeting=hello world"),
                get(json, "process.args"));
        assertEquals("line one\nline two\tTabbed", get(json, "process.env.MOTD"));
        assertEquals("<redacted>", get(json, "process.env.AWS_SECRET_ACCESS_KEY"));
        assertEquals("17.0.15+6-Debian-1deb12u1", get(json, "jvm.version"));
        assertEquals("OpenJDK 64-Bit Server VM", get(json, "jvm.name"));
        assertEquals("Debian", get(json, "jvm.vendor"));
        assertEquals("/usr/lib/jvm/java-17-openjdk-amd64", get(json, "jvm.home"));
        assertEquals("0.1.0", get(json, "agent.version"));
        assertEquals("dir=/work/app/crashcap", get(json, "agent.options"));
        assertNull(get(inspect(Samples.DOUBLE_FREE, null), "agent.options"));
        assertEquals(null, get(json, "hsErr"));
    }

    @Test
    void signalAndDiagnosis() throws Exception {
        Map<String, Object> segv = inspect(Samples.SEGV, null);
        assertEquals("SIGSEGV", get(segv, "signal.name"));
        assertEquals(11L, get(segv, "signal.number"));
        assertEquals("SEGV_MAPERR", get(segv, "signal.code"));
        assertEquals(1L, get(segv, "signal.codeNumber"));
        assertEquals("0x0", get(segv, "signal.address"));
        assertFalse(((Map<?, ?>) segv.get("signal")).containsKey("senderPid"), "absent when the kernel sent it");
        assertEquals("fault", get(segv, "diagnosis.kind"));
        assertTrue(((String) get(segv, "diagnosis.summary")).startsWith("SIGSEGV (SEGV_MAPERR"));
        assertEquals("libcrashcaptest.so", get(segv, "diagnosis.suspectModule"));

        Map<String, Object> abort = inspect(Samples.DOUBLE_FREE, null);
        assertEquals(5151L, get(abort, "signal.senderPid"));
        assertEquals(-6L, get(abort, "signal.codeNumber"));
        assertEquals("free(): double free detected in tcache 2\n", abort.get("abortMessage"));
        assertEquals("heap-corruption", get(abort, "diagnosis.kind"));
    }

    @Test
    void crashingThreadWithFramesAndRegisters() throws Exception {
        Map<String, Object> json = inspect(Samples.SEGV, null);
        Map<?, ?> thread = (Map<?, ?>) json.get("crashingThread");
        assertEquals(4250L, thread.get("tid"));
        assertEquals("crash-worker", thread.get("name"));
        assertEquals(true, thread.get("java"));
        assertEquals(true, thread.get("crashed"));
        assertEquals("no-module", thread.get("unwindStop"));
        assertEquals("0x7f3a2c1011a9", get(thread, "registers.rip"));
        assertEquals("0x7f3a0c900000", get(thread, "stack.low"));
        assertEquals("0x7f3a0ca00000", get(thread, "stack.high"));
        List<?> frames = (List<?>) thread.get("frames");
        assertEquals(4, frames.size());
        Map<String, Object> top = new java.util.HashMap<>(Map.of("kind", "native", "pc", "0x7f3a2c1011a9",
                "module", "libcrashcaptest.so", "modulePath", "/tmp/libcrashcaptest.so", "offset", "0x11a9",
                "function", "crashcaptest_write_null", "functionOffset", "0x9"));
        top.put("file", null); // the capture has no source lines: they come from debug info after the crash
        top.put("line", null);
        top.put("exact", true); // the faulting instruction itself
        top.put("demangled", null); // a C name
        top.put("sp", null); // the sample capture is from before frames had their stack pointer
        assertEquals(top, frames.get(0));
        assertEquals(false, ((Map<?, ?>) frames.get(1)).get("exact"), "a return address");
        assertEquals("Java_dev_crashcap_it_Crasher_segv", ((Map<?, ?>) frames.get(3)).get("function"));
    }

    @Test
    void allThreadsIncludingTheCrashingOne() throws Exception {
        Map<String, Object> json = inspect(Samples.SEGV, null);
        List<?> threads = (List<?>) json.get("threads");
        assertEquals(3, threads.size());
        assertEquals(json.get("crashingThread"), threads.get(0));
        Map<?, ?> main = (Map<?, ?>) threads.get(1);
        assertFalse(main.containsKey("registers"), "registers only for the crashing thread");
        Map<String, Object> mainFrame = new java.util.HashMap<>(Map.of("kind", "java",
                "class", "dev.crashcap.it.Crasher", "method", "main", "line", 42L, "nativeMethod", false,
                "text", "at dev.crashcap.it.Crasher.main(line 42)"));
        mainFrame.put("sourceFile", null); // the sample capture is from before source files were captured
        mainFrame.put("frameKind", null);
        mainFrame.put("bci", null); // nor kinds, bytecode indexes and stack pointers
        mainFrame.put("sp", null);
        assertEquals(mainFrame, ((List<?>) main.get("frames")).get(6));
        Map<?, ?> objectWait = (Map<?, ?>) ((List<?>) main.get("frames")).get(4);
        assertTrue(objectWait.containsKey("line"));
        assertNull(objectWait.get("line"));
        assertFalse(((Map<?, ?>) threads.get(2)).containsKey("stack"), "stack only when captured");
    }

    @Test
    void threadStatesStacksAndDepth() throws Exception {
        Map<String, Object> json = inspect(Samples.THREADS, null);
        Map<?, ?> main = thread(json, "main");
        assertEquals("WAITING", main.get("state"));
        assertEquals("S", main.get("kernelState"));
        assertNull(main.get("missing"));
        assertTrue(main.containsKey("missing"), "present, null when the thread answered");
        assertEquals(6L, main.get("depth"));
        assertEquals(Map.of("low", "0x7f3a31f00000", "high", "0x7f3a32000000", "size", 0x100000L,
                "sp", "0x7f3a31ffe000", "usedBytes", 0x2000L), main.get("stack"));
        assertFalse(main.containsKey("signal"), "signal only on threads that crashed");
        Map<?, ?> native_ = thread(json, "cc-native");
        assertEquals(false, native_.get("java"));
        assertTrue(native_.containsKey("state"));
        assertNull(native_.get("state"));
        assertFalse(native_.containsKey("stack"));
    }

    @Test
    void aThreadThatDidNotAnswer() throws Exception {
        Map<?, ?> blocker = thread(inspect(Samples.THREADS, null), "signal-blocker");
        assertEquals("no answer within the deadline (signals blocked or stuck in the kernel)", blocker.get("missing"));
        assertEquals("D", blocker.get("kernelState"));
        assertEquals(0L, blocker.get("depth"));
        assertEquals(List.of(), blocker.get("frames"));
    }

    @Test
    void javaFramesSayWhetherTheMethodIsNative() throws Exception {
        List<?> frames = (List<?>) thread(inspect(Samples.THREADS, null), "native-sleeper").get("frames");
        assertEquals("Java_dev_crashcap_testapp_Crasher_sleepInNative", ((Map<?, ?>) frames.get(4)).get("function"));
        assertEquals(Map.of("kind", "java", "class", "dev.crashcap.testapp.Crasher", "method", "sleepInNative",
                "nativeMethod", true, "frameKind", "native",
                "text", "at dev.crashcap.testapp.Crasher.sleepInNative(Native Method)"),
                withoutNullLine((Map<?, ?>) frames.get(5)));
        assertEquals(88L, ((Map<?, ?>) frames.get(6)).get("line"));
        assertEquals(false, ((Map<?, ?>) frames.get(6)).get("nativeMethod"));
    }

    @Test
    void everyCrashedThreadHasItsSignal() throws Exception {
        Map<String, Object> json = inspect(Samples.THREADS, null);
        assertEquals(Map.of("name", "SIGSEGV", "number", 11L, "code", "SEGV_MAPERR", "address", "0x0"),
                get(json, "crashingThread.signal"));
        Map<?, ?> second = thread(json, "crash-worker-2");
        assertEquals(true, second.get("crashed"));
        assertEquals(Map.of("name", "SIGSEGV", "number", 11L, "code", "SEGV_MAPERR", "address", "0x10"),
                second.get("signal"));
        assertEquals("crashcaptest_write_null", get(((List<?>) second.get("frames")).get(0), "function"));
    }

    @Test
    void threadsSummaryAndCaptureTime() throws Exception {
        Map<String, Object> json = inspect(Samples.THREADS, null);
        assertEquals(Map.of("total", 8L, "answered", 5L, "deadlineMillis", 500L, "resolver", "ok"), json.get("threadsSummary"));
        assertEquals(4321L, json.get("captureMicros"));
        Map<String, Object> old = inspect(Samples.SEGV, null);
        assertNull(get(old, "threadsSummary.total"));
        assertTrue(old.containsKey("captureMicros"));
        assertNull(old.get("captureMicros"));
    }

    private static Map<?, ?> thread(Map<String, Object> json, String name) {
        for (Object thread : (List<?>) json.get("threads")) {
            if (name.equals(((Map<?, ?>) thread).get("name"))) {
                return (Map<?, ?>) thread;
            }
        }
        throw new AssertionError("no thread " + name);
    }

    /** Map.of refuses null values: the frame without its (null) line, after checking that it is there. */
    private static Map<?, ?> withoutNullLine(Map<?, ?> frame) {
        assertTrue(frame.containsKey("line"));
        assertNull(frame.get("line"));
        Map<Object, Object> copy = new java.util.LinkedHashMap<>(frame);
        copy.remove("line");
        copy.remove("sourceFile", null); // not in the sample capture
        copy.remove("bci", null); // nor these: before the walk through Java frames
        copy.remove("sp", null);
        return copy;
    }

    @Test
    void modules() throws Exception {
        List<?> modules = (List<?>) inspect(Samples.SEGV, null).get("modules");
        assertEquals(9, modules.size());
        Map<String, Object> expected = new java.util.HashMap<>(Map.of("path", "/tmp/libcrashcaptest.so",
                "name", "libcrashcaptest.so", "base", "0x7f3a2c100000", "size", 0x4028L,
                "buildId", "3f1c9a0b7e6d5c4b3a2918f7e6d5c4b3a2918f7e"));
        expected.put("loadedBy", null); // the sample has no libraries section
        expected.put("deleted", false);
        assertEquals(expected, modules.get(1));
    }

    @Test
    void aTruncatedBundleSaysSo() throws Exception {
        Map<String, Object> json = inspect(Samples.TRUNCATED, null);
        assertEquals(true, json.get("truncated"));
        assertEquals(2, ((List<?>) json.get("warnings")).size());
        assertEquals(List.of(), json.get("modules"));
        assertNull(((Map<?, ?>) ((List<?>) json.get("threads")).get(1)).get("unwindStop"));
    }

    @Test
    void aNearlyEmptyCaptureStillHasEveryField() throws Exception {
        Map<String, Object> json = JsonReader.object(
                Json.write(BundleJson.inspect(Samples.parseLines("crashcap-capture|1"), null)));
        for (String field : List.of("schema", "kind", "path", "truncated", "time", "process.pid", "process.env",
                "jvm.version", "agent.version", "signal.name", "signal.address", "abortMessage", "diagnosis.kind",
                "diagnosis.suspectModule", "crashingThread", "threads", "threadsSummary.total", "threadsSummary.answered",
                "threadsSummary.deadlineMillis", "threadsSummary.resolver", "captureMicros", "modules", "hsErr", "warnings")) {
            get(json, field);
        }
        assertEquals("unknown", get(json, "diagnosis.kind"));
        assertNull(json.get("crashingThread"));
    }

    @Test
    void listEntry() throws Exception {
        Map<String, Object> json = JsonReader.object(Json.write(BundleJson.listEntry(Samples.parse(Samples.DOUBLE_FREE))));
        assertEquals("/bundles/abort-double-free.txt", json.get("path"));
        assertEquals("crash", json.get("kind"));
        assertEquals(5151L, json.get("pid"));
        assertEquals("2026-11-24T11:33:21.234Z", json.get("time"));
        assertEquals("SIGABRT", json.get("signal"));
        assertEquals("heap-corruption", json.get("diagnosis"));
        assertEquals("libcrashcaptest.so", json.get("suspectModule"));
        assertEquals(false, json.get("truncated"));
        assertFalse(json.containsKey("error"));
    }
}
