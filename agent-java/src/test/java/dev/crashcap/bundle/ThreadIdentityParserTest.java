package dev.crashcap.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.report.BundleJson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The thread identity fields of a capture: daemon, hotspotState, and the warning when HotSpot's layout was unknown. */
class ThreadIdentityParserTest {
    private static final String[] START = { "crashcap-capture|1", "section|snapshot", "thread.tid|1" };

    private static Bundle parse(String... lines) throws BundleException {
        String[] all = new String[START.length + lines.length + 2];
        System.arraycopy(START, 0, all, 0, START.length);
        System.arraycopy(lines, 0, all, START.length, lines.length);
        all[all.length - 2] = "section|end";
        all[all.length - 1] = "end|complete";
        return Samples.parseLines(all);
    }

    @Test
    void readsDaemonAndHotSpotState() throws Exception {
        Bundle bundle = parse("section|threads", "threads.total|3", "hotspot.threads|ok",
                "section|thread", "tid|10", "name|pool-1-thread-10", "java|1", "daemon|0", "crashed|0",
                "hotspotState|_thread_blocked", "state|TIMED_WAITING", "kstate|S",
                "section|thread", "tid|11", "name|native-sleeper-in-a-jni-call", "java|1", "daemon|1", "crashed|0",
                "hotspotState|_thread_in_native", "kstate|S",
                "section|thread", "tid|12", "name|cc-native", "java|0", "crashed|0", "kstate|S");
        assertEquals(List.of(), bundle.warnings());
        List<ThreadInfo> threads = bundle.threads();
        assertEquals(Boolean.FALSE, threads.get(0).daemon());
        assertEquals("_thread_blocked", threads.get(0).hotspotState());
        assertEquals(Boolean.TRUE, threads.get(1).daemon());
        assertEquals("_thread_in_native", threads.get(1).hotspotState());
        assertNull(threads.get(2).daemon(), "a native thread has no daemon flag");
        assertNull(threads.get(2).hotspotState());

        Map<String, Object> json = BundleJson.inspect(bundle, null);
        @SuppressWarnings("unchecked")
        Map<String, Object> first = ((List<Map<String, Object>>) json.get("threads")).get(0);
        assertEquals(false, first.get("daemon"));
        assertEquals("_thread_blocked", first.get("hotspotState"));
    }

    @Test
    void anUnknownLayoutIsAWarning() throws Exception {
        Bundle bundle = parse("section|threads", "threads.total|1",
                "hotspot.threads|gHotSpotVMStructs lacks a plausible OSThread::_thread_id",
                "section|thread", "tid|10", "name|pool-1-thread-1", "java|0", "crashed|0", "kstate|S");
        assertEquals(1, bundle.warnings().size(), bundle.warnings()::toString);
        String warning = bundle.warnings().get(0);
        assertTrue(warning.contains("named by the kernel"), warning);
        assertTrue(warning.contains("OSThread::_thread_id"), warning);
        assertFalse(bundle.truncated());
    }

    @Test
    void anUnusableMethodLayoutIsAWarningAndAUsableOneIsNot() throws Exception {
        Bundle usable = parse("section|threads", "threads.total|1", "hotspot.threads|ok", "hotspot.methods|ok",
                "section|thread", "tid|10", "name|main", "java|1", "crashed|0", "kstate|S",
                "frame|java|com.example.Worker|step|41|Worker.java");
        assertEquals(List.of(), usable.warnings());
        assertEquals("at com.example.Worker.step(Worker.java:41)",
                ((JavaFrame) usable.threads().get(0).frames().get(0)).javaStyle());

        Bundle unusable = parse("section|threads", "threads.total|1", "hotspot.threads|ok",
                "hotspot.methods|the line number tables read differently from JVMTI's",
                "section|thread", "tid|10", "name|main", "java|1", "crashed|0", "kstate|S");
        assertEquals(1, unusable.warnings().size(), unusable.warnings()::toString);
        String warning = unusable.warnings().get(0);
        assertTrue(warning.contains("named only by the resolver thread"), warning);
        assertTrue(warning.contains("the line number tables read differently from JVMTI's"), warning);
    }

    @Test
    void aCrashInAVirtualThreadNamesItAndItsCarrierFirst() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|crash", "signal.number|11",
                "signal.name|SIGSEGV", "thread.tid|10",
                "section|thread", "tid|10", "name|ForkJoinPool-1-worker-1", "java|1", "daemon|1", "crashed|1",
                "hotspotState|_thread_in_native", "virtualThread.id|25", "virtualThread.name|vt-crasher-1",
                "section|threads", "threads.total|2", "hotspot.threads|ok", "hotspot.methods|ok",
                "hotspot.virtualThreads|ok",
                "section|thread", "tid|11", "name|main", "java|1", "crashed|0", "kstate|S",
                "section|java-frames", "tid|10", "frame|java|dev.crashcap.testapp.Crasher|crash|native|Crasher.java",
                "frame|java|jdk.internal.vm.Continuation|enterSpecial|native|Continuation.java",
                "frame|java|jdk.internal.vm.Continuation|run|251|Continuation.java",
                "section|end", "end|complete");
        assertEquals(List.of(), bundle.warnings());
        String stack = dev.crashcap.report.HumanReport.render(bundle, null);
        assertTrue(stack.matches("(?s).*Continuation\\.enterSpecial\\(Native Method\\)\\R"
                + " *\\(above: virtual thread \"vt-crasher-1\" \\(#25\\); below: its carrier \"ForkJoinPool-1-worker-1\"\\)\\R"
                + " *#\\d+ +at jdk\\.internal\\.vm\\.Continuation\\.run.*"), stack);
        ThreadInfo carrier = bundle.threads().get(0);
        assertEquals(new VirtualThread("vt-crasher-1", 25L), carrier.virtualThread());
        assertNull(bundle.threads().get(1).virtualThread(), "no virtual thread on main");

        Map<String, Object> json = BundleJson.inspect(bundle, null);
        @SuppressWarnings("unchecked")
        Map<String, Object> first = ((List<Map<String, Object>>) json.get("threads")).get(0);
        assertEquals(Map.of("name", "vt-crasher-1", "id", 25L), first.get("virtualThread"));

        for (String report : List.of(dev.crashcap.report.HumanReport.render(bundle, null),
                dev.crashcap.report.HumanReport.brief(bundle))) {
            List<String> lines = report.lines().toList();
            String thread = lines.stream().filter(line -> line.contains("virtual thread")).findFirst().orElseThrow(
                    () -> new AssertionError(report));
            assertTrue(lines.indexOf(thread) < 8, "among the first lines: " + report);
            assertTrue(thread.contains("virtual thread \"vt-crasher-1\" (#25) on carrier \"ForkJoinPool-1-worker-1\" (tid 10)"),
                    thread);
        }
    }

    @Test
    void anUnusableVirtualThreadLayoutIsAWarningButNoneIsNot() throws Exception {
        assertEquals(List.of(), parse("section|threads", "threads.total|1", "hotspot.virtualThreads|none").warnings());
        List<String> warnings = parse("section|threads", "threads.total|1",
                "hotspot.virtualThreads|gHotSpotVMStructs lacks CompressedOops' base and shift").warnings();
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("under its carrier thread's name only"), warnings.get(0));
    }

    @Test
    void theCrashingThreadsNameNowReplacesTheOneItWasRegisteredWith() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|crash", "signal.number|11", "thread.tid|10",
                "section|thread", "tid|10", "name|to-be-renamed", "java|1", "daemon|1", "crashed|1",
                "hotspotState|_thread_in_native", "section|threads", "threads.total|1", "hotspot.threads|ok",
                "section|java-frames", "tid|10", "state|RUNNABLE", "name|renamed-later",
                "section|end", "end|complete");
        ThreadInfo crashing = bundle.threads().get(0);
        assertEquals("renamed-later", crashing.name());
        assertEquals("RUNNABLE", crashing.state());
        assertEquals("_thread_in_native", crashing.hotspotState());
        assertEquals(Boolean.TRUE, crashing.daemon());
    }

    @Test
    void theHandlersStateInTheThreadSectionWinsOverTheResolversInJavaFrames() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|crash", "signal.number|11", "thread.tid|10",
                "section|thread", "tid|10", "name|worker", "java|1", "crashed|1", "state|RUNNABLE",
                "state.source|handler", "section|threads", "threads.total|2", "hotspot.threads|ok",
                "hotspot.threadStates|ok",
                "section|thread", "tid|11", "name|main", "java|1", "crashed|0", "state|WAITING",
                "state.source|resolver", "kstate|S",
                "section|java-frames", "tid|10", "state|WAITING", "state.source|resolver",
                "section|end", "end|complete");
        assertEquals(List.of(), bundle.warnings());
        ThreadInfo crashing = bundle.threads().get(0);
        assertEquals("RUNNABLE", crashing.state());
        assertEquals("handler", crashing.stateSource());
        assertEquals("resolver", bundle.threads().get(1).stateSource());
        Map<String, Object> json = BundleJson.inspect(bundle, null);
        @SuppressWarnings("unchecked")
        Map<String, Object> first = ((List<Map<String, Object>>) json.get("threads")).get(0);
        assertEquals("handler", first.get("stateSource"));
    }

    @Test
    void theResolversStateInJavaFramesFillsInWhereTheHandlerHadNone() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|crash", "signal.number|11", "thread.tid|10",
                "section|thread", "tid|10", "name|worker", "java|1", "crashed|1",
                "section|threads", "threads.total|1", "hotspot.threads|ok",
                "hotspot.threadStates|the arming thread's java.lang.Thread status did not read back as JNI gives it",
                "section|java-frames", "tid|10", "state|RUNNABLE", "state.source|resolver",
                "section|end", "end|complete");
        ThreadInfo crashing = bundle.threads().get(0);
        assertEquals("RUNNABLE", crashing.state());
        assertEquals("resolver", crashing.stateSource());
        assertEquals(1, bundle.warnings().size(), bundle.warnings()::toString);
        assertTrue(bundle.warnings().get(0).contains("Java thread states come only from the resolver thread"),
                bundle.warnings().get(0));
    }

    @Test
    void capturesFromBeforeTheFieldsReadAsUnknown() throws Exception {
        Bundle bundle = parse("section|threads", "threads.total|1",
                "section|thread", "tid|10", "name|main", "java|1", "crashed|0", "state|RUNNABLE", "kstate|S");
        assertEquals(List.of(), bundle.warnings(), "no hotspot.threads line: nothing to warn about");
        assertNull(bundle.threads().get(0).daemon());
        assertNull(bundle.threads().get(0).hotspotState());
        assertNull(bundle.threads().get(0).stateSource());
    }
}
