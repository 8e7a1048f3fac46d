package dev.crashcap.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CaptureParserTest {

    @Test
    void readsTheHeader() throws Exception {
        Header header = Samples.parse(Samples.SEGV).header();
        assertEquals("0.1.0", header.agentVersion());
        assertEquals("dir=/work/app/crashcap", header.agentOptions());
        assertEquals("OpenJDK 64-Bit Server VM", header.jvmName());
        assertEquals("17.0.15+6-Debian-1deb12u1", header.jvmVersion());
        assertEquals("Debian", header.jvmVendor());
        assertEquals("17.0.15", header.javaVersion());
        assertEquals("/usr/lib/jvm/java-17-openjdk-amd64", header.javaHome());
        assertEquals("Linux", header.osName());
        assertEquals("amd64", header.osArch());
        assertEquals(4242L, header.pid());
        assertEquals(1795517363188L, header.startEpochMillis());
        assertEquals("/work/app", header.cwd());
        assertEquals(List.of("java", "-javaagent:/opt/crashcap/crashcap.jar", "-Djava.library.path=/tmp", "-cp",
                "/work/app/classes", "dev.crashcap.it.Crasher", "segv", "--greeting=hello world"), header.args());
        assertEquals(List.of("HOME", "PATH", "LANG", "MOTD", "WIN_DIR", "AWS_SECRET_ACCESS_KEY"),
                List.copyOf(header.env().keySet()), "environment in file order");
        assertEquals("/root", header.env().get("HOME"));
        assertEquals("<redacted>", header.env().get("AWS_SECRET_ACCESS_KEY"));
    }

    @Test
    void undoesTheEscapes() throws Exception {
        Map<String, String> env = Samples.parse(Samples.SEGV).header().env();
        assertEquals("line one\nline two\tTabbed", env.get("MOTD"));
        assertEquals("C:\\temp\\new", env.get("WIN_DIR"));
        assertEquals("free(): double free detected in tcache 2\n",
                Samples.parse(Samples.DOUBLE_FREE).crash().abortMessage());
    }

    @Test
    void escapedTabsDoNotSplitFields() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|header",
                "env|A\\tB|x\\\\ty\\n", "arg|back\\\\slash\\q\\", "section|end", "end|complete");
        assertEquals(Map.of("A\tB", "x\\ty\n"), bundle.header().env());
        assertEquals(List.of("back\\slash\\q\\"), bundle.header().args(), "unknown escapes are kept as written");
    }

    @Test
    void readsTheCrashFacts() throws Exception {
        Crash crash = Samples.parse(Samples.SEGV).crash();
        assertEquals(1795517364000L, crash.timeEpochMillis());
        assertEquals(4242L, crash.pid());
        assertEquals(812L, crash.uptimeMillis());
        assertEquals(11, crash.signalNumber());
        assertEquals("SIGSEGV", crash.signalName());
        assertEquals(1, crash.signalCode());
        assertEquals("SEGV_MAPERR", crash.signalCodeName());
        assertEquals(0L, crash.signalAddress());
        assertNull(crash.senderPid());
        assertEquals(4250L, crash.tid());
        assertNull(crash.abortMessage());

        Crash abort = Samples.parse(Samples.DOUBLE_FREE).crash();
        assertEquals(6, abort.signalNumber());
        assertEquals(-6, abort.signalCode());
        assertEquals("SI_TKILL", abort.signalCodeName());
        assertEquals(5151L, abort.senderPid());
    }

    @Test
    void readsTheCrashingThread() throws Exception {
        Bundle bundle = Samples.parse(Samples.SEGV);
        assertEquals(3, bundle.threads().size());
        ThreadInfo thread = bundle.crashingThread();
        assertEquals(4250L, thread.tid());
        assertEquals("crash-worker", thread.name());
        assertTrue(thread.java());
        assertTrue(thread.crashed());
        assertEquals(18, thread.registers().size());
        assertEquals(0x7f3a2c1011a9L, thread.registers().get("rip"));
        assertEquals("rax", thread.registers().keySet().iterator().next(), "registers in file order");
        assertEquals(new StackBounds(0x7f3a0c900000L, 0x7f3a0ca00000L), thread.stack());
        assertEquals("no-module", thread.unwindStop());
        assertEquals(List.of(
                new NativeFrame(0x7f3a2c1011a9L, "/tmp/libcrashcaptest.so", 0x11a9L, "crashcaptest_write_null", 0x9L,
                        true),
                new NativeFrame(0x7f3a2c1011c2L, "/tmp/libcrashcaptest.so", 0x11c2L, "crashcaptest_level3", 0xaL,
                        false),
                new NativeFrame(0x7f3a2c1011e2L, "/tmp/libcrashcaptest.so", 0x11e2L, "crashcaptest_level2", 0xaL,
                        false),
                new NativeFrame(0x7f3a2c101215L, "/tmp/libcrashcaptest.so", 0x1215L,
                        "Java_dev_crashcap_it_Crasher_segv", 0x15L, false)), thread.frames(),
                "a capture without the exact field: frame 0 of a thread that crashed is exact, the rest are not");
        assertEquals("libcrashcaptest.so", ((NativeFrame) thread.frames().get(0)).moduleName());
    }

    @Test
    void readsOtherThreadsWithJavaFrames() throws Exception {
        Bundle bundle = Samples.parse(Samples.SEGV);
        ThreadInfo main = bundle.threads().get(1);
        assertEquals(4243L, main.tid());
        assertFalse(main.crashed());
        assertTrue(main.registers().isEmpty());
        assertEquals(7, main.frames().size());
        assertEquals(new JavaFrame("java.lang.Object", "wait", null), main.frames().get(4), "line -1 is unknown");
        assertEquals(new JavaFrame("dev.crashcap.it.Crasher", "main", 42), main.frames().get(6));
        ThreadInfo poller = bundle.threads().get(2);
        assertFalse(poller.java());
        assertNull(poller.stack());
        assertEquals("end", poller.unwindStop());
    }

    @Test
    void readsThreadStatesKernelStatesAndStackPointers() throws Exception {
        Bundle bundle = Samples.parse(Samples.THREADS);
        assertEquals(8, bundle.threads().size());
        ThreadInfo main = thread(bundle, "main");
        assertEquals("WAITING", main.state());
        assertEquals("S", main.kernelState());
        assertNull(main.missing());
        assertEquals(0x7f3a31ffe000L, main.stackPointer());
        assertEquals(0x2000L, main.usedStackBytes());
        ThreadInfo native_ = thread(bundle, "cc-native");
        assertFalse(native_.java());
        assertNull(native_.state(), "a native thread has no Java state");
        assertNull(native_.stackPointer());
        assertNull(native_.usedStackBytes());
    }

    @Test
    void aThreadThatDidNotAnswerIsListedWithTheReason() throws Exception {
        ThreadInfo blocker = thread(Samples.parse(Samples.THREADS), "signal-blocker");
        assertEquals(7015L, blocker.tid());
        assertEquals("D", blocker.kernelState());
        assertEquals("no answer within the deadline (signals blocked or stuck in the kernel)", blocker.missing());
        assertTrue(blocker.frames().isEmpty());
        assertNull(blocker.unwindStop());
    }

    @Test
    void javaFramesWithNativeMethodsAndUnknownLines() throws Exception {
        ThreadInfo sleeper = thread(Samples.parse(Samples.THREADS), "native-sleeper");
        assertEquals(8, sleeper.frames().size());
        assertEquals(new JavaFrame("dev.crashcap.testapp.Crasher", "sleepInNative", null, true), sleeper.frames().get(5),
                "'native' line: a native method; the L...; signature becomes a dotted name");
        assertEquals(new JavaFrame("dev.crashcap.testapp.ThreadsApp", "sleepInNativeHere", 88, false),
                sleeper.frames().get(6));
        assertEquals(new JavaFrame("dev.crashcap.testapp.ThreadsApp", "parkHere", null),
                thread(Samples.parse(Samples.THREADS), "extra-0").frames().get(5), "an empty line is unknown");
    }

    @Test
    void classNamesInEveryFormBecomeDotted() {
        assertEquals("dev.crashcap.testapp.Crasher", JavaFrame.dottedClassName("Ldev/crashcap/testapp/Crasher;"));
        assertEquals("java.lang.Thread", JavaFrame.dottedClassName("java.lang.Thread"));
        assertEquals("Foo$$Lambda$14/0x0000000800c03000", JavaFrame.dottedClassName("Foo$$Lambda$14/0x0000000800c03000"),
                "a hidden class's slash is part of its name");
        assertEquals("a.Foo$$Lambda$14/0x0000000800c03000",
                JavaFrame.dottedClassName("a.Foo$$Lambda$14/0x0000000800c03000"));
        assertEquals("Main", JavaFrame.dottedClassName("Main"));
        assertEquals("Main", JavaFrame.dottedClassName("LMain;"), "';' cannot be in a class name: a signature");
    }

    @Test
    void theJavaFramesSectionIsAppendedToItsThread() throws Exception {
        ThreadInfo crashing = Samples.parse(Samples.THREADS).crashingThread();
        assertEquals("crash-worker", crashing.name());
        assertEquals(9, crashing.frames().size());
        assertEquals("Java_dev_crashcap_testapp_Crasher_crash", ((NativeFrame) crashing.frames().get(4)).function());
        assertEquals(new JavaFrame("dev.crashcap.testapp.Crasher", "crash", null, true), crashing.frames().get(5));
        assertEquals(new JavaFrame("dev.crashcap.testapp.ThreadsApp", "crashHere", 140), crashing.frames().get(6));
        assertEquals(new JavaFrame("java.lang.Thread", "run", 833), crashing.frames().get(8));
    }

    @Test
    void javaFramesForAnUnknownThreadAreAWarning() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|thread", "tid|5", "section|java-frames",
                "tid|6", "frame|java|A|b|1", "section|java-frames", "tid|5", "frame|java|C|d|2", "section|end",
                "end|complete");
        assertEquals(List.of(new JavaFrame("C", "d", 2)), bundle.threads().get(0).frames());
        assertEquals(1, bundle.warnings().size(), bundle.warnings()::toString);
        assertTrue(bundle.warnings().get(0).contains("java-frames for a thread that is not in the capture"));

        Bundle noTid = Samples.parseLines("crashcap-capture|1", "section|thread", "tid|5", "section|java-frames",
                "frame|java|A|b|1", "frame|java|A|c|2", "section|end", "end|complete");
        assertTrue(noTid.threads().get(0).frames().isEmpty());
        assertEquals(List.of("line 5: java-frames without a tid: its frames are skipped"), noTid.warnings());
    }

    @Test
    void javaFramesNameTheFramesTheCrashingThreadPlacedInOrder() throws Exception {
        // The crashing thread's section places its Java frames among the native ones, unnamed; java-frames names them.
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|thread", "tid|5",
                "frame|native|0x1010|/lib/a.so|0x10|c|0x1|1|0x7000",
                "frame|java|?|jmethodID:0x1|native||native||0x7010|0x900",
                "frame|java|?|jmethodID:0x2|||c2|7|0x7020|0x910",
                "frame|native|0x2000|||StubRoutines::call_stub||0|0x7030",
                "frame|java|?|Method*:0x920|||interpreted|3|0x7040|0x920",
                "section|threads", "hotspot.frames|ok",
                "section|java-frames", "tid|5", "frame|java|C|nat|native|C.java|native||0x7010|0x900",
                "frame|java|D|hot|12|D.java|c2|7|0x7020|0x910", "section|end", "end|complete");
        List<Frame> frames = bundle.threads().get(0).frames();
        assertEquals(5, frames.size(), frames::toString);
        assertEquals(new JavaFrame("C", "nat", null, true, "C.java", "native", null, 0x7010L), frames.get(1));
        assertEquals(new JavaFrame("D", "hot", 12, false, "D.java", "c2", 7, 0x7020L), frames.get(2));
        NativeFrame stub = (NativeFrame) frames.get(3);
        assertEquals("StubRoutines::call_stub", stub.function());
        assertNull(stub.modulePath());
        assertEquals(0x7030L, stub.sp());
        assertEquals(new JavaFrame("?", "Method*:0x920", null, false, null, "interpreted", 3, 0x7040L), frames.get(4),
                "a frame only the walk found keeps its place, unnamed");
        assertEquals(0x7000L, ((NativeFrame) frames.get(0)).sp());
        assertTrue(bundle.warnings().isEmpty(), bundle.warnings()::toString);
    }

    @Test
    void aCaptureWithoutTheWalkThroughJavaFramesSaysSo() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|threads", "hotspot.frames|CodeBlob layout not found",
                "section|end", "end|complete");
        assertEquals(1, bundle.warnings().size(), bundle.warnings()::toString);
        assertTrue(bundle.warnings().get(0).startsWith(CaptureParser.JAVA_WALK_WARNING + " (CodeBlob layout not found)"));
    }

    @Test
    void everyCrashedThreadHasItsOwnSignal() throws Exception {
        Bundle bundle = Samples.parse(Samples.THREADS);
        assertEquals(List.of("crash-worker", "crash-worker-2"),
                bundle.crashedThreads().stream().map(ThreadInfo::name).toList());
        assertEquals(new ThreadSignal(11, "SIGSEGV", "SEGV_MAPERR", 0x0L), bundle.crashingThread().signal(),
                "the first crashing thread's signal is the crash section's");
        assertEquals(new ThreadSignal(11, "SIGSEGV", "SEGV_MAPERR", 0x10L), thread(bundle, "crash-worker-2").signal());
        assertNull(thread(bundle, "main").signal());
    }

    @Test
    void aCrashedThreadWithOnlyASignalNumberGetsTheName() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|crash", "signal.number|11", "thread.tid|1",
                "section|thread", "tid|1", "crashed|1", "section|thread", "tid|2", "crashed|1", "signal.number|7");
        assertEquals(new ThreadSignal(7, "SIGBUS", null, null), bundle.threads().get(1).signal());
    }

    @Test
    void readsTheThreadsSummaryAndTheCaptureTime() throws Exception {
        Bundle bundle = Samples.parse(Samples.THREADS);
        assertEquals(new ThreadsSummary(8, 5, 500L, "ok"), bundle.threadsSummary());
        assertEquals(4321L, bundle.captureMicros());
        assertEquals(List.of(), bundle.warnings());
        Bundle old = Samples.parse(Samples.SEGV);
        assertEquals(ThreadsSummary.UNKNOWN, old.threadsSummary(), "captures before format sections 4 and 8");
        assertNull(old.captureMicros());
    }

    @Test
    void aResolverThatWasNotAskedOrDidNotAnswerIsAWarningThatSaysWhy() throws Exception {
        Bundle exiting = Samples.parseLines("crashcap-capture|1", "section|crash", "signal.number|11", "thread.tid|1",
                "section|thread", "tid|1", "crashed|1", "section|threads", "threads.total|1", "threads.resolver|vm-death",
                "section|end", "end|complete");
        assertEquals("vm-death", exiting.threadsSummary().resolver());
        assertEquals(1, exiting.warnings().size(), exiting.warnings().toString());
        assertTrue(exiting.warnings().get(0).contains("the JVM was exiting (JVMTI VMDeath"), exiting.warnings().toString());
        Bundle late = Samples.parseLines("crashcap-capture|1", "section|threads", "threads.resolver|deadline",
                "section|end", "end|complete");
        assertTrue(late.warnings().get(0).contains("did not answer in time"), late.warnings().toString());
        Bundle newer = Samples.parseLines("crashcap-capture|1", "section|threads", "threads.resolver|something new",
                "section|end", "end|complete");
        assertTrue(newer.warnings().get(0).endsWith("(something new)"), newer.warnings().toString());
    }

    private static ThreadInfo thread(Bundle bundle, String name) {
        return bundle.threads().stream().filter(t -> name.equals(t.name())).findFirst().orElseThrow();
    }

    @Test
    void readsTheModules() throws Exception {
        Bundle bundle = Samples.parse(Samples.SEGV);
        assertEquals(9, bundle.modules().size());
        LoadedModule test = bundle.modules().get(1);
        assertEquals("/tmp/libcrashcaptest.so", test.path());
        assertEquals("libcrashcaptest.so", test.name());
        assertEquals(0x7f3a2c100000L, test.base());
        assertEquals(0x4028L, test.size());
        assertEquals("3f1c9a0b7e6d5c4b3a2918f7e6d5c4b3a2918f7e", test.buildId());
        assertEquals("[vdso]", bundle.modules().get(8).name());
        assertEquals(test, bundle.moduleAt(0x7f3a2c1011a9L));
        assertNull(bundle.moduleAt(0x7f3a2c104028L), "the end of a module is outside it");
    }

    @Test
    void aCompleteCaptureIsNotTruncatedAndHasNoWarnings() throws Exception {
        Bundle bundle = Samples.parse(Samples.SEGV);
        assertFalse(bundle.truncated());
        assertEquals(List.of(), bundle.warnings());
        assertEquals(Path.of("/bundles/segv.txt"), bundle.directory());
    }

    @Test
    void aCutOffCaptureKeepsWhatItHolds() throws Exception {
        Bundle bundle = Samples.parse(Samples.TRUNCATED);
        assertTrue(bundle.truncated());
        assertEquals(6262L, bundle.pid());
        assertEquals("SEGV_ACCERR", bundle.crash().signalCodeName());
        assertEquals(2, bundle.threads().size());
        assertEquals(3, bundle.crashingThread().frames().size());
        ThreadInfo main = bundle.threads().get(1);
        assertEquals(1, main.frames().size(), "the half-written frame line is dropped");
        assertNull(main.unwindStop());
        assertTrue(bundle.modules().isEmpty());
        assertTrue(bundle.warnings().stream().anyMatch(w -> w.contains("cut off mid-line")), bundle.warnings()::toString);
        assertTrue(bundle.warnings().stream().anyMatch(w -> w.contains("in section 'thread'")));
    }

    @Test
    void aLastLineWithoutNewlineIsDropped() throws Exception {
        byte[] capture = "crashcap-capture\t1\nsection\tend\nend\tcomplete".getBytes(StandardCharsets.UTF_8);
        Bundle bundle = CaptureParser.parse(capture, null, "x");
        assertTrue(bundle.truncated(), "'end complete' without its newline was not finished");
    }

    @Test
    void skipsUnknownKeysAndSections() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "stray|line before any section",
                "section|header", "jvm.flavour|new", "process.pid|7", "section|gpu", "tid|99", "frame|native|0x1||||",
                "section|thread", "tid|8", "frame|inline|0x5|x", "mood|grumpy", "section|modules", "mapping|0x1|0x2",
                "section|end", "end|complete");
        assertEquals(7L, bundle.header().pid());
        assertEquals(1, bundle.threads().size(), "the unknown section's lines do not make a thread");
        assertEquals(8L, bundle.threads().get(0).tid());
        assertTrue(bundle.threads().get(0).frames().isEmpty(), "unknown frame kinds are skipped");
        assertTrue(bundle.modules().isEmpty());
        assertEquals(List.of(), bundle.warnings());
        assertFalse(bundle.truncated());
    }

    @Test
    void eachNativeFrameSaysWhetherItsPcIsExact() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|thread", "tid|1", "crashed|0",
                "frame|native|0x7f00|/lib/a.so|0x100|f|0x0|1", "frame|native|0x7f10|/lib/a.so|0x110|g|0x4|0",
                "frame|native|0x7f20|/lib/a.so|0x120|h|0x8|1", "section|thread", "tid|2", "crashed|1",
                "frame|native|0x7f30|/lib/a.so|0x130|f|0x30|0", "section|end", "end|complete");
        List<Frame> quiet = bundle.threads().get(0).frames();
        assertTrue(((NativeFrame) quiet.get(0)).exact(), "frame 0 of a thread a signal stopped");
        assertFalse(((NativeFrame) quiet.get(1)).exact());
        assertTrue(((NativeFrame) quiet.get(2)).exact(), "a frame a signal interrupted, below its handler");
        assertEquals(0x7f0fL, ((NativeFrame) quiet.get(1)).lookupAddress(), "a return address is looked up at pc-1");
        assertEquals(0x7f20L, ((NativeFrame) quiet.get(2)).lookupAddress());
        assertFalse(((NativeFrame) bundle.threads().get(1).frames().get(0)).exact(),
                "the capture says so: no guess from the thread's shape");
    }

    @Test
    void aDeletedModuleKeepsItsPathAndSaysItIsGone() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|thread", "tid|1", "crashed|1",
                "frame|native|0x7f0000001100|/tmp/jna1.tmp|0x1100|f|0x0|1",
                "frame|native|0x7f1000001100|/lib/old.so (deleted)|0x1100|g|0x0", // an older agent's capture
                "section|modules", "module|0x7f0000000000|0x4000|ab12|/tmp/jna1.tmp|deleted",
                "module|0x7f1000000000|0x4000||/lib/old.so (deleted)", "module|0x7f2000000000|0x4000||/lib/c.so",
                "section|libraries", "library|/tmp/jna1.tmp|com.sun.jna.Native|file:/app/jna.jar",
                "section|end", "end|complete");
        assertEquals(List.of(new LoadedModule("/tmp/jna1.tmp", 0x7f0000000000L, 0x4000, "ab12", true,
                        new LibraryCaller("com.sun.jna.Native", "file:/app/jna.jar")),
                new LoadedModule("/lib/old.so", 0x7f1000000000L, 0x4000, null, true),
                new LoadedModule("/lib/c.so", 0x7f2000000000L, 0x4000, null, false)), bundle.modules());
        assertEquals("jna1.tmp", ((NativeFrame) bundle.threads().get(0).frames().get(0)).moduleName());
        assertEquals("/lib/old.so", ((NativeFrame) bundle.threads().get(0).frames().get(1)).modulePath());
    }

    @Test
    void emptyFieldsMeanUnknown() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|header", "agent.options|",
                "section|thread", "tid|1", "frame|native|0x7f00||||", "frame|java|A|b|", "section|end", "end|complete");
        assertNull(bundle.header().agentOptions());
        assertEquals(new NativeFrame(0x7f00L, null, null, null, null, false), bundle.threads().get(0).frames().get(0));
        assertEquals(new JavaFrame("A", "b", null), bundle.threads().get(0).frames().get(1));
    }

    @Test
    void unreadableValuesBecomeWarnings() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|header", "process.pid|forty-two",
                "section|crash", "signal.number|99999999999", "signal.address|0xnope", "section|thread",
                "reg|rip|zz", "stack|0x1", "frame|native|pc?|/lib/x.so|0x1|f|0x1", "frame|java||m|1",
                "section|modules", "module|0x1000|big|id|/lib/x.so", "section|end", "end|complete");
        assertNull(bundle.header().pid());
        assertNull(bundle.crash().signalNumber());
        assertNull(bundle.crash().signalAddress());
        ThreadInfo thread = bundle.threads().get(0);
        assertTrue(thread.registers().isEmpty());
        assertNull(thread.stack());
        assertTrue(thread.frames().isEmpty());
        assertTrue(bundle.modules().isEmpty());
        assertEquals(8, bundle.warnings().size(), bundle.warnings()::toString);
        assertTrue(bundle.warnings().get(0).contains("line 8"), bundle.warnings().get(0));
    }

    @Test
    void refusesAnEmptyFile() {
        assertRefused(new byte[0], "crashcap: not a crashcap bundle: in (the file is empty)");
    }

    @Test
    void refusesAnotherFirstLine() {
        assertRefused("hello\nworld\n".getBytes(StandardCharsets.UTF_8),
                "crashcap: not a crashcap bundle: in (the first line is not 'crashcap-capture 1')");
        assertRefused("crashcap-capture 1\n".getBytes(StandardCharsets.UTF_8), "not a crashcap bundle");
        assertRefused("#!/bin/sh\nsection\theader\n".getBytes(StandardCharsets.UTF_8), "not a crashcap bundle");
    }

    @Test
    void refusesAFileWithoutACompleteFirstLine() {
        assertRefused("crashcap-capture\t1".getBytes(StandardCharsets.UTF_8), "no complete first line");
    }

    @Test
    void refusesBinaryGarbage() {
        byte[] garbage = new byte[4096];
        new java.util.Random(7).nextBytes(garbage);
        garbage[100] = '\n';
        assertRefused(garbage, "not a crashcap bundle");
        byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, '\n', 0, 0};
        assertRefused(elf, "not a crashcap bundle");
    }

    @Test
    void refusesOtherFormatVersions() {
        assertRefused(Samples.capture("crashcap-capture|2", "section|header"),
                "crashcap: unsupported capture format version 2 in in (this crashcap reads version 1;"
                        + " use a newer crashcap)");
        assertRefused(Samples.capture("crashcap-capture|one"), "the format version is not a number");
    }

    @Test
    void errorMessagesAreOneLineEvenForStrangeNames() {
        BundleException e = assertThrows(BundleException.class,
                () -> CaptureParser.parse(new byte[0], null, "evil\nname"));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    private static void assertRefused(byte[] data, String expectedMessage) {
        BundleException e = assertThrows(BundleException.class, () -> CaptureParser.parse(data, null, "in"));
        assertTrue(e.getMessage().startsWith("crashcap: "), e.getMessage());
        assertTrue(e.getMessage().contains(expectedMessage), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void aLibrarysJavaCallerIsJoinedToItsModule() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture\t1", "section\tmodules",
                "module\t0x7f0000000000\t0x5000\tab12\t/opt/app/libx.so",
                "module\t0x7f0000100000\t0x5000\t\t/usr/lib/libc.so.6",
                "section\tlibraries",
                "library\t/opt/app/libx.so\tcom.acme.Native\tfile:/opt/app/acme.jar",
                "section\tend", "end\tcomplete");
        LibraryCaller caller = bundle.modules().get(0).loadedBy();
        assertEquals(new LibraryCaller("com.acme.Native", "file:/opt/app/acme.jar"), caller);
        assertNull(bundle.modules().get(1).loadedBy());
    }
}
