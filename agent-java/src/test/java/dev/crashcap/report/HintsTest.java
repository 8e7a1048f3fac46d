package dev.crashcap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.BundleLocator;
import dev.crashcap.bundle.Crash;
import dev.crashcap.bundle.Samples;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The diagnosis rules of issue 12 on fixed captures: the JNI libraries suspected of a crash inside the JVM, the Java
 * caller of a JNA or FFM call, the hints and their evidence, the history among sibling bundles. The same shapes on
 * real crashes are in DiagnosisIT.
 */
class HintsTest {
    private static final String HOME = "/usr/lib/jvm/java-17-openjdk-amd64";
    private static final String JVM = HOME + "/lib/server/libjvm.so";
    private static final String LIBC = "/usr/lib/x86_64-linux-gnu/libc.so.6";
    private static final String APP_LIB = "/opt/app/libfast.so";
    private static final String OTHER_LIB = "/opt/app/libother.so";
    private static final String POOL_LIB = "/opt/app/libpool.so";
    private static final String JNA_LIB = "/tmp/jna-1000/jna8137415531398271263.tmp";

    @TempDir
    Path folder;

    @Test
    void aGcCrashInsideTheJvmSuspectsTheJniLibrariesStrongestFirstAndSuggestsXcheckJni() throws Exception {
        Bundle bundle = Samples.parseLines(capture(List.of("name|GC Thread#0", frame(JVM, "G1ParScanThreadState_trim"),
                        frame(JVM, "G1ParEvacuateFollowersClosure_do_void"), frame(LIBC, "start_thread")),
                List.of("section|thread", "tid|2", "name|io-worker", frame(OTHER_LIB, "Java_app_Io_read"),
                        "frame|native|0x7f0099990000||||", "frame|java|app.Io|read|native", "section|thread", "tid|3",
                        "name|pool", frame(POOL_LIB, "pool_main"), frame(LIBC, "start_thread")),
                List.of("library|" + APP_LIB + "|app.Fast|file:/opt/app/lib/fast-2.3.1.jar",
                        "library|" + HOME + "/lib/libnio.so|sun.nio.ch.IOUtil|")));
        Diagnosis diagnosis = Diagnosis.of(bundle);
        assertEquals(Diagnosis.Kind.JVM_FAULT, diagnosis.kind());
        assertEquals(List.of("libother.so in a native method on thread \"io-worker\"",
                "libpool.so on the stack of thread \"pool\"", "libfast.so loaded by app.Fast"),
                diagnosis.suspects().stream().map(s -> s.module() + " " + s.why()).collect(Collectors.toList()),
                "the JDK's own libnio.so is no suspect");
        assertEquals("libother.so", diagnosis.suspectModule(), "the likeliest one");
        assertTrue(diagnosis.summary().endsWith("inside the JVM, in G1ParScanThreadState_trim+0x10 (libjvm.so) on "
                + "thread \"GC Thread#0\": the JVM's own code rarely faults; JNI code that corrupted the JVM's memory "
                + "earlier (an array overrun, a stale reference) is the usual cause, likely one of the JNI libraries "
                + "libother.so, libpool.so, libfast.so"), diagnosis.summary());

        List<Hint> hints = Hints.of(bundle, diagnosis, null);
        assertEquals(List.of("xcheck-jni", "library-version"), kinds(hints));
        assertEquals("the crash site G1ParScanThreadState_trim+0x10 (libjvm.so) is inside the JVM; JNI libraries: "
                + "libother.so (in a native method on thread \"io-worker\"), libpool.so (on the stack of thread "
                + "\"pool\"), libfast.so (loaded by app.Fast)",
                hints.get(0).evidence());
        assertEquals("Check the version of fast-2.3.1.jar (2.3.1, from its file name) and whether a newer release "
                + "fixes this crash: libfast.so came with it", hints.get(1).text());
    }

    @Test
    void aCrashInsideTheJvmWithoutJniLibrariesBlamesNoLibrary() throws Exception {
        Bundle bundle = Samples.parseLines(capture(List.of(frame(JVM, "Klass_oop_oop_iterate")), List.of(), List.of()));
        Diagnosis diagnosis = Diagnosis.of(bundle);
        assertEquals(Diagnosis.Kind.JVM_FAULT, diagnosis.kind());
        assertNull(diagnosis.suspectModule());
        assertTrue(diagnosis.summary().endsWith(": no JNI library of the application is loaded: a JVM bug, or memory "
                + "corrupted through sun.misc.Unsafe, the FFM API or a native agent"), diagnosis.summary());
        assertTrue(Hints.of(bundle, diagnosis, null).get(0).evidence().endsWith("; no JNI library of the application "
                + "is loaded"));
    }

    @Test
    void aJnaDirectMappedCallNamesTheApplicationsNativeMethodAndNotJnasLibrary() throws Exception {
        Bundle bundle = Samples.parseLines(capture(List.of(frame(LIBC, "memcpy"), frame(JNA_LIB, "ffi_call"),
                        frame(JNA_LIB, "dispatch_direct"), "frame|native|0x7f0099990000||||",
                        "frame|java|app.Codec|copy|native", "frame|java|app.Codec|encode|41"),
                List.of(), List.of("library|" + JNA_LIB + "|com.sun.jna.Native|file:/opt/app/lib/jna-5.14.0.jar")));
        Diagnosis diagnosis = Diagnosis.of(bundle);
        assertEquals(Diagnosis.Kind.FAULT, diagnosis.kind());
        assertEquals("JNA", diagnosis.javaCaller().bridge());
        assertEquals("app.Codec.copy", diagnosis.javaCaller().caller().className() + "."
                + diagnosis.javaCaller().caller().method(), "a direct-mapped method is the application's own");
        assertEquals("memcpy", diagnosis.javaCaller().called().function());
        assertNull(diagnosis.suspectModule(), "JNA's library only forwards the call; memcpy is libc's");
        assertEquals("fault|SIGSEGV|memcpy|a JNA direct-mapped native method|app.Codec.copy", Signature.of(bundle));
        List<Hint> hints = Hints.of(bundle, diagnosis, null);
        assertEquals(List.of("native-call", "library-version"), kinds(hints));
        assertTrue(hints.get(1).text().startsWith("Check the version of jna-5.14.0.jar (5.14.0, from its file name)"));
    }

    @Test
    void aCrashInAJniLibraryHasNoJavaCaller() throws Exception {
        Bundle bundle = Samples.parseLines(capture(List.of(frame(APP_LIB, "fast_copy"), frame(APP_LIB, "Java_app_Fast_copy"),
                "frame|native|0x7f0099990000||||", "frame|java|app.Fast|copy|native"), List.of(), List.of()));
        assertNull(Diagnosis.of(bundle).javaCaller());
        assertEquals("libfast.so", Diagnosis.of(bundle).suspectModule());
    }

    @Test
    void heapCorruptionSuggestsGlibcsChecksAndXcheckJniOnlyWithJniLibraries() throws Exception {
        Bundle withJni = Samples.parse(Samples.DOUBLE_FREE);
        List<Hint> hints = Hints.of(withJni, Diagnosis.of(withJni), null);
        assertEquals(List.of("malloc-check", "xcheck-jni"), kinds(hints));
        assertEquals("glibc's abort message \"free(): double free detected in tcache 2\"", hints.get(0).evidence());
        assertTrue(hints.get(1).evidence().startsWith("JNI libraries in the process: libcrashcaptest.so (on the "
                + "crashing thread's stack)"), hints.get(1).evidence());

        Bundle noJni = Samples.parseLines("crashcap-capture|1", "section|crash", "signal.number|6", "signal.name|SIGABRT",
                "abort.message|corrupted size vs. prev_size", "section|thread", "tid|1", "crashed|1", frame(LIBC, "abort"),
                "section|end");
        assertEquals(List.of("malloc-check"), kinds(Hints.of(noJni, Diagnosis.of(noJni), null)));
    }

    @Test
    void aGeneralProtectionFaultPointsAtTheRegisterHoldingTheNonCanonicalValue() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|crash", "signal.number|11",
                "signal.name|SIGSEGV", "signal.code|128", "signal.codeName|SI_KERNEL", "section|thread", "tid|1",
                "crashed|1", "reg|rax|0x4141414141414141", "reg|rbx|0x7f0010001000", "reg|rcx|0xffffffffffffffff",
                "reg|trapno|0xd", frame(APP_LIB, "parse"), "section|end");
        List<Hint> hints = Hints.of(bundle, Diagnosis.of(bundle), null);
        assertEquals("bad-pointer", hints.get(0).kind());
        assertEquals("SIGSEGV with si_code SI_KERNEL and no fault address, CPU trap 13 (#GP), "
                + "rax=0x4141414141414141 is not a canonical address", hints.get(0).evidence());
        assertEquals("a general protection fault: no fault address, e.g. a non-canonical pointer",
                SignalMeaning.of(bundle.crash()));
    }

    @Test
    void aNativeThreadsOverflowSaysToRaiseItsStackWherePthreadCreatesIt() throws Exception {
        List<String> lines = new ArrayList<>(List.of("crashcap-capture|1", "section|crash", "signal.number|11",
                "signal.name|SIGSEGV", "signal.codeName|SEGV_MAPERR", "signal.address|0x7f3a0c8ffff8", "section|thread",
                "tid|1", "crashed|1", "name|cc-overflow", "stack|0x7f3a0c900000|0x7f3a0c940000"));
        for (int i = 0; i < 300; i++) {
            lines.add(frame(APP_LIB, "walk"));
        }
        lines.add("section|end");
        Bundle bundle = Samples.parseLines(lines.toArray(String[]::new));
        Hint hint = Hints.of(bundle, Diagnosis.of(bundle), null).get(0);
        assertEquals("stack-size", hint.kind());
        assertTrue(hint.text().startsWith("The stack of thread \"cc-overflow\" (256 KiB) ran out. It is a native thread: "
                + "raise its stack where it is created, with pthread_attr_setstacksize"), hint.text());
        assertEquals("thread \"cc-overflow\": stack 0x7f3a0c900000-0x7f3a0c940000 (256 KiB), fault address 0x7f3a0c8ffff8,"
                + " walk on 300 frames", hint.evidence());
    }

    @Test
    void siCodesSayWhatTheyAre() {
        assertEquals("misaligned address", meaning("SIGBUS", "BUS_ADRALN"));
        assertEquals("access denied by a memory protection key", meaning("SIGSEGV", "SEGV_PKUERR"));
        assertEquals("failed address bound check", meaning("SIGSEGV", "SEGV_BNDERR"));
        assertEquals("hardware error specific to the mapped object", meaning("SIGBUS", "BUS_OBJERR"));
        assertEquals("invalid floating-point operation", meaning("SIGFPE", "FPE_FLTINV"));
        assertEquals("privileged opcode", meaning("SIGILL", "ILL_PRVOPC"));
        assertNull(meaning("SIGSEGV", "SEGV_SOMETHING_NEW"), "an unknown code is not guessed");
    }

    @Test
    void aRepeatedCrashPointsToItsHistoryAndADifferentOneDoesNot() throws Exception {
        byte[] segv = Samples.bytes(Samples.SEGV);
        Path self = Samples.bundleDir(folder, "crash-20261124T104924Z-4242", segv);
        Samples.bundleDir(folder, "crash-20261123T080000Z-4100", segv);
        Samples.bundleDir(folder, "crash-20261123T090000Z-4200", Samples.bytes(Samples.DOUBLE_FREE));
        Bundle bundle = BundleLocator.load(self);
        String signature = Signature.of(bundle);
        SignatureHistory history = SignatureHistory.of(bundle, signature);
        assertEquals(1, history.others(), "the double free has another signature");
        Hint hint = Hints.of(bundle, Diagnosis.of(bundle), history).stream()
                .filter(h -> h.kind().equals("history")).findFirst().orElseThrow();
        assertTrue(hint.text().startsWith("This crash happened 2 times (first "), hint.text());
        assertTrue(hint.text().contains(": crashcap list --group " + folder.toAbsolutePath().normalize()), hint.text());
        assertEquals("the same signature as 1 other bundle in " + folder.toAbsolutePath().normalize(), hint.evidence());

        Bundle alone = BundleLocator.load(Samples.bundleDir(folder.resolve("other"), "crash-20261124T104924Z-1", segv));
        assertTrue(Hints.of(alone, Diagnosis.of(alone), SignatureHistory.of(alone, signature)).stream()
                .noneMatch(h -> h.kind().equals("history")), "no sibling, no history hint");
    }

    @Test
    void theBriefReportKeepsItsHintsWhenTheStackIsLong() throws Exception {
        List<String> lines = new ArrayList<>(List.of("crashcap-capture|1", "section|crash", "signal.number|6",
                "signal.name|SIGABRT", "abort.message|free(): double free detected in tcache 2", "section|thread",
                "tid|1", "crashed|1", frame(LIBC, "abort")));
        for (int i = 0; i < 100; i++) {
            lines.add(frame(APP_LIB, "level" + i));
        }
        lines.add("section|end");
        String brief = HumanReport.brief(Samples.parseLines(lines.toArray(String[]::new)));
        assertTrue(brief.lines().count() <= HumanReport.BRIEF_LINES, brief);
        assertTrue(brief.contains("more lines: crashcap inspect without --brief shows all"), brief);
        assertTrue(brief.contains("\nWHAT TO TRY\n  1. Run again with MALLOC_CHECK_=3"), brief);
        assertTrue(brief.stripTrailing().endsWith("(on the crashing thread's stack)"), "the hints end it: " + brief);
    }

    private static String meaning(String signal, String code) {
        return SignalMeaning.of(new Crash(null, null, null, null, signal, 1, code, 0L, null, null, null, null, null, null, null, null, null));
    }

    private static List<String> kinds(List<Hint> hints) {
        return hints.stream().map(Hint::kind).collect(Collectors.toList());
    }

    /**
     * A SIGSEGV capture of a JVM in {@value #HOME}: the crashing thread's lines, more thread sections, library lines;
     * the modules are the JVM, libc, the application's libraries and JNA's.
     */
    private static String[] capture(List<String> crashing, List<String> otherThreads, List<String> libraries) {
        List<String> lines = new ArrayList<>(List.of("crashcap-capture|1", "section|header", "java.home|" + HOME,
                "section|crash", "signal.number|11", "signal.name|SIGSEGV", "signal.codeName|SEGV_MAPERR",
                "signal.address|0x10", "section|thread", "tid|1", "crashed|1"));
        lines.addAll(crashing);
        lines.addAll(otherThreads);
        lines.addAll(List.of("section|modules", "module|0x7f0010000000|0x1000000||" + JVM,
                "module|0x7f0020000000|0x100000||" + LIBC, "module|0x7f0030000000|0x10000||" + APP_LIB,
                "module|0x7f0040000000|0x10000||" + OTHER_LIB, "module|0x7f0070000000|0x10000||" + POOL_LIB, "module|0x7f0050000000|0x10000||" + JNA_LIB,
                "module|0x7f0060000000|0x10000||" + HOME + "/lib/libnio.so"));
        if (!libraries.isEmpty()) {
            lines.add("section|libraries");
            lines.addAll(libraries);
        }
        lines.addAll(List.of("section|end", "end|complete"));
        return lines.toArray(String[]::new);
    }

    private static String frame(String module, String function) {
        return "frame|native|0x7f0010001000|" + module + "|0x1000|" + function + "|0x10";
    }
}
