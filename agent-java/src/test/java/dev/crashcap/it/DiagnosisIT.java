package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.CppThrower;
import dev.crashcap.testapp.Crasher;
import dev.crashcap.testapp.FfmCrasher;
import dev.crashcap.testapp.GcCrashAfterCriticalOverrun;
import dev.crashcap.testapp.JnaCrasher;
import dev.crashcap.testapp.ThreadsApp;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The diagnosis on real crashes, one per shape a JVM engineer meets: JNI misuse that kills the JVM inside libjvm, a
 * crash in libc through JNA and through FFM, a general-protection fault, glibc heap corruption (twice: the history),
 * a native stack overflow on a Java thread and on a native thread, an uncaught C++ exception. Each checks the
 * suspect, the summary and the hints ({@code diagnosis.hints}, each with its evidence) in the JSON, and the same in
 * the human report (the hints last) and in {@code --brief} (within its 40 lines). Run on JDK 17 and 25
 * ({@code -Dcrashcap.test.javaHome=}); FFM is final from JDK 22, so that test runs on 22 and later only.
 */
class DiagnosisIT {
    @TempDir
    Path work;

    @Test
    void jniMisuseInsideTheJvmNamesTheJniLibraryAndSuggestsXcheckJni() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.crashWithAgent(work, bundles, List.of(), Map.of(), Crasher.class.getName(), "bad-jobject");
        Path bundle = Inspect.onlyBundle(bundles);
        Map<String, Object> json = Inspect.json(work, bundle);

        assertEquals("jvm-fault", JsonReader.get(json, "diagnosis.kind"));
        assertEquals("libjvm.so", Inspect.objects(json, "crashingThread.frames").get(0).get("module"),
                "the crash site is inside the JVM");
        assertEquals("libcrashcaptest.so", JsonReader.get(json, "diagnosis.suspectModule"), "the suspect is not none");
        Map<String, Object> suspect = Inspect.objects(json, "diagnosis.suspects").get(0);
        assertEquals("libcrashcaptest.so", suspect.get("module"));
        assertEquals("on the crashing thread's stack", suspect.get("why"));
        assertEquals(Crasher.class.getName(), JsonReader.get(suspect, "loadedBy.class"));
        String summary = (String) JsonReader.get(json, "diagnosis.summary");
        assertTrue(summary.contains("inside the JVM, in jni_GetObjectClass") && summary.contains(
                "called from the JNI library libcrashcaptest.so (crashcaptest_use_deleted_ref)"), summary);
        Map<String, Object> xcheck = hint(json, "xcheck-jni");
        assertTrue(((String) xcheck.get("text")).startsWith("Run with -Xcheck:jni"), xcheck.toString());
        assertTrue(((String) xcheck.get("evidence")).contains("(libjvm.so) is inside the JVM; JNI libraries: "
                + "libcrashcaptest.so (on the crashing thread's stack)"), xcheck.toString());

        String report = reportEndingWithHints(bundle, "-Xcheck:jni");
        assertTrue(report.contains("suspects:          the crash is inside the JVM, likely caused by this JNI library:"),
                report);
        briefWithHints(bundle, "-Xcheck:jni");

        // The hint is right: with -Xcheck:jni the JVM names the misuse and the Java caller instead of crashing later.
        TestJvm.Result checked = TestJvm.run(work.resolve("checked"), TestJvm.command(List.of(), List.of("-Xcheck:jni"),
                Crasher.class.getName(), "bad-jobject"), Map.of());
        assertTrue(checked.stdout().contains("FATAL ERROR in native method: Bad global or local ref passed to JNI"),
                checked.stdout() + checked.stderr());
    }

    @Test
    void aGcCrashAfterAJniLibraryOverranACriticalArrayBlamesThatLibrary() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.Result jvm = TestJvm.crashWithAgent(work, bundles, List.of(), Map.of(), GcCrashAfterCriticalOverrun.class.getName());
        assertTrue(TestJvm.hsErrWritten(jvm), "the JVM died by a fault and wrote hs_err: " + jvm.stdout());
        Path bundle = Inspect.onlyBundle(bundles);
        Map<String, Object> json = Inspect.json(work, bundle);

        assertEquals("jvm-fault", JsonReader.get(json, "diagnosis.kind"));
        assertEquals("libjvm.so", Inspect.objects(json, "crashingThread.frames").get(0).get("module"));
        assertTrue(Inspect.functions(Inspect.objects(json, "crashingThread.frames")).stream()
                .noneMatch(function -> function.startsWith("crashcaptest") || function.startsWith("Java_")),
                "the JNI library is on no frame of the crashing thread");
        assertEquals("libcrashcaptest.so", JsonReader.get(json, "diagnosis.suspectModule"), "the suspect is not none");
        Map<String, Object> suspect = Inspect.objects(json, "diagnosis.suspects").get(0);
        assertEquals("libcrashcaptest.so", suspect.get("module"));
        assertEquals("loaded by " + GcCrashAfterCriticalOverrun.class.getName(), suspect.get("why"));
        String summary = (String) JsonReader.get(json, "diagnosis.summary");
        assertTrue(summary.contains("inside the JVM, in ") && summary.endsWith("is the usual cause, likely the JNI "
                + "library libcrashcaptest.so"), summary);
        assertTrue(((String) hint(json, "xcheck-jni").get("evidence")).contains(
                "JNI libraries: libcrashcaptest.so (loaded by " + GcCrashAfterCriticalOverrun.class.getName() + ")"), json.toString());
        String report = reportEndingWithHints(bundle, "Run with -Xcheck:jni");
        assertTrue(report.contains("    libcrashcaptest.so  (loaded by " + GcCrashAfterCriticalOverrun.class.getName() + " from file:"),
                report);
        briefWithHints(bundle, "-Xcheck:jni");

        // The hint is right: -Xcheck:jni stops at the release of the overrun array, in the JNI library's call. 16 bytes
        // stay inside the check's guard bytes around its copy of the array; 4096 sometimes smash malloc's next chunk
        // and glibc aborts first ("malloc(): corrupted top size"), seen once under load.
        TestJvm.Result checked = TestJvm.run(work.resolve("checked"), TestJvm.command(List.of(), List.of("-Xcheck:jni"),
                GcCrashAfterCriticalOverrun.class.getName(), "16"), Map.of());
        assertTrue(checked.stdout().contains("FATAL ERROR in native method: ReleasePrimitiveArrayCritical: failed bounds "
                + "check"), checked.stdout() + checked.stderr());
    }

    @Test
    void aCrashInLibcThroughJnaNamesTheJavaCallerAndTheFunctionItCalled() throws Exception {
        Path bundles = work.resolve("bundles");
        String classPath = TestJvm.TEST_CLASSES + File.pathSeparator + jarOf(Native.class);
        TestJvm.crashWithAgentOnClassPath(work, "dir=" + bundles, classPath,
                List.of("-Djna.tmpdir=" + work.resolve("jna")), Map.of(), JnaCrasher.class.getName());
        Path bundle = Inspect.onlyBundle(bundles);
        Map<String, Object> json = Inspect.json(work, bundle);

        assertEquals("fault", JsonReader.get(json, "diagnosis.kind"));
        Map<String, Object> caller = Inspect.object(json, "diagnosis.javaCaller");
        assertEquals("JNA", caller.get("bridge"));
        assertEquals(JnaCrasher.class.getName(), caller.get("class"));
        assertEquals("clearHere", caller.get("method"));
        assertEquals("JnaCrasher.java", caller.get("sourceFile"));
        assertEquals("com.sun.jna.Native.invokeVoid", caller.get("bridgeFrame"));
        assertEquals("libc.so.6", caller.get("nativeModule"), "the crash site: memset in libc");
        String memset = String.valueOf(caller.get("nativeFunction"));
        assertTrue(memset.contains("memset") || memset.equals("null"), memset); // named where libc's debug file is
        assertNull(JsonReader.get(json, "diagnosis.suspectModule"), "JNA's own library only forwards the call");
        String summary = (String) JsonReader.get(json, "diagnosis.summary");
        assertTrue(summary.contains("(libc.so.6), a native call made through JNA (com.sun.jna.Native.invokeVoid) by "
                + JnaCrasher.class.getName() + ".clearHere(JnaCrasher.java:"), summary);
        assertTrue(((String) hint(json, "native-call").get("text")).startsWith("Check what " + JnaCrasher.class.getName()
                + ".clearHere(JnaCrasher.java:"), json.toString());
        Map<String, Object> version = hint(json, "library-version");
        assertTrue(((String) version.get("text")).startsWith("Check the version of jna-5.5.0.jar (5.5.0, from its file "
                + "name)"), version.toString());
        assertTrue(((String) version.get("evidence")).contains("was loaded by com.sun.jna.Native from file:"), version.toString());
        assertEquals("fault|SIGSEGV|libc.so.6|com.sun.jna.Native.invokeVoid|" + JnaCrasher.class.getName() + ".clearHere",
                JsonReader.get(json, "signature"), "no random temporary file name in the signature");

        String report = reportEndingWithHints(bundle, "passes to the native function it calls through JNA");
        assertTrue(report.contains("java caller:       " + JnaCrasher.class.getName() + ".clearHere(JnaCrasher.java:"),
                report);
        briefWithHints(bundle, "jna-5.5.0.jar");
    }

    @Test
    void aCrashInLibcThroughFfmNamesTheJavaCaller() throws Exception {
        assumeTrue(TestJvm.featureVersion() >= 22, "the FFM API is final from JDK 22");
        Path bundles = work.resolve("bundles");
        TestJvm.crashWithAgent(work, bundles, List.of(), Map.of(), FfmCrasher.class.getName());
        Path bundle = Inspect.onlyBundle(bundles);
        Map<String, Object> json = Inspect.json(work, bundle);

        Map<String, Object> caller = Inspect.object(json, "diagnosis.javaCaller");
        assertEquals("FFM", caller.get("bridge"));
        assertEquals(FfmCrasher.class.getName(), caller.get("class"));
        assertEquals("measureHere", caller.get("method"));
        assertTrue(String.valueOf(caller.get("bridgeFrame")).startsWith("jdk.internal.foreign."), caller.toString());
        assertEquals("libc.so.6", caller.get("nativeModule"), "strlen in libc");
        String summary = (String) JsonReader.get(json, "diagnosis.summary");
        assertTrue(summary.contains("a native call made through FFM (") && summary.contains(" by "
                + FfmCrasher.class.getName() + ".measureHere(FfmCrasher.java:"), summary);
        assertNotNull(hint(json, "native-call"));
        assertTrue(((String) JsonReader.get(json, "signature")).endsWith("|" + FfmCrasher.class.getName()
                + ".measureHere"), (String) JsonReader.get(json, "signature"));
        reportEndingWithHints(bundle, "calls through FFM");
        briefWithHints(bundle, "calls through FFM");
    }

    @Test
    void aGeneralProtectionFaultSaysSo() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.crashWithAgent(work, bundles, List.of(), Map.of(), Crasher.class.getName(), "gp");
        Path bundle = Inspect.onlyBundle(bundles);
        Map<String, Object> json = Inspect.json(work, bundle);

        assertEquals("SI_KERNEL", JsonReader.get(json, "signal.code"));
        assertNull(JsonReader.get(json, "signal.address"), "the kernel gives no address for #GP");
        assertEquals("a general protection fault: no fault address, e.g. a non-canonical pointer",
                JsonReader.get(json, "signal.codeMeaning"));
        String summary = (String) JsonReader.get(json, "diagnosis.summary");
        assertTrue(summary.startsWith("SIGSEGV (SI_KERNEL, a general protection fault") && summary.contains(
                "in crashcaptest_non_canonical+"), summary);
        assertTrue(((String) hint(json, "bad-pointer").get("evidence")).contains("CPU trap 13 (#GP)"), json.toString());
        reportEndingWithHints(bundle, "non-canonical pointer");
    }

    @Test
    void heapCorruptionSuggestsGlibcChecksAndARepeatedCrashPointsToItsHistory() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.crashWithAgent(work, bundles, List.of(), Map.of(), Crasher.class.getName(), "double-free");
        Path first = Inspect.onlyBundle(bundles);
        Map<String, Object> json = Inspect.json(work, first);
        assertEquals("heap-corruption", JsonReader.get(json, "diagnosis.kind"));
        Map<String, Object> mallocCheck = hint(json, "malloc-check");
        assertTrue(((String) mallocCheck.get("text")).contains("MALLOC_CHECK_=3")
                && ((String) mallocCheck.get("text")).contains("GLIBC_TUNABLES=glibc.malloc.check=3"), mallocCheck.toString());
        assertTrue(((String) mallocCheck.get("evidence")).startsWith("glibc's abort message \"free(): double free"),
                mallocCheck.toString());
        assertTrue(((String) hint(json, "xcheck-jni").get("evidence")).contains("libcrashcaptest.so"), json.toString());
        assertTrue(hints(json).stream().noneMatch(h -> "history".equals(h.get("kind"))), "one crash has no history");

        TestJvm.crashWithAgent(work, bundles, List.of(), Map.of(), Crasher.class.getName(), "double-free");
        Path second;
        try (Stream<Path> all = Files.list(bundles)) {
            second = all.filter(path -> !path.equals(first)).findFirst().orElseThrow();
        }
        Map<String, Object> again = Inspect.json(work, second);
        Map<String, Object> history = hint(again, "history");
        assertTrue(((String) history.get("text")).startsWith("This crash happened 2 times (first "), history.toString());
        assertTrue(((String) history.get("text")).contains("crashcap list --group " + bundles.toRealPath()),
                history.toString());
        assertEquals("the same signature as 1 other bundle in " + bundles.toRealPath(), history.get("evidence"));
        String report = reportEndingWithHints(second, "crashcap list --group");
        assertTrue(report.contains("signature:         " + again.get("signature")), "the signature near the top");
        briefWithHints(second, "MALLOC_CHECK_=3");
    }

    @Test
    void aStackOverflowOnAJavaThreadSaysHowToRaiseItsStack() throws Exception {
        Map<String, Object> hint = overflow("stack-overflow-java-thread", ThreadsApp.CRASH_WORKER);
        assertTrue(((String) hint.get("text")).contains("It is a Java thread: raise its stack with -Xss"), hint.toString());
    }

    @Test
    void aStackOverflowOnANativeThreadSaysHowToRaiseItsStack() throws Exception {
        Map<String, Object> hint = overflow("stack-overflow-native-thread", ThreadsApp.OVERFLOW_THREAD);
        assertTrue(((String) hint.get("text")).contains("(256 KiB) ran out. It is a native thread: raise its stack where "
                + "it is created, with pthread_attr_setstacksize"), hint.toString());
    }

    private Map<String, Object> overflow(String how, String thread) throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.crashWithAgent(work, bundles, List.of(), Map.of(), ThreadsApp.class.getName(), how);
        Path bundle = Inspect.onlyBundle(bundles);
        Map<String, Object> json = Inspect.json(work, bundle);
        assertEquals("stack-overflow", JsonReader.get(json, "diagnosis.kind"));
        assertEquals(thread, JsonReader.get(json, "crashingThread.name"));
        Map<String, Object> hint = hint(json, "stack-size");
        String evidence = (String) hint.get("evidence");
        assertTrue(evidence.startsWith("thread \"" + thread + "\": stack " + JsonReader.get(json, "crashingThread.stack.low")
                + "-" + JsonReader.get(json, "crashingThread.stack.high")), evidence);
        assertTrue(evidence.contains("crashcaptest_recurse on "), evidence);
        reportEndingWithHints(bundle, "ran out");
        briefWithHints(bundle, "ran out");
        return hint;
    }

    @Test
    void anUncaughtCppExceptionSaysToCatchItAtTheJniBoundary() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.crashWithAgent(work, bundles, List.of("-Dcrashcap.cpptestlib=" + NamesIT.CPP_TESTLIB), Map.of(),
                CppThrower.class.getName(), "boom");
        Path bundle = Inspect.onlyBundle(bundles);
        Map<String, Object> json = Inspect.json(work, bundle);
        assertEquals("libcrashcapcpptest.so", JsonReader.get(json, "diagnosis.suspectModule"));
        Map<String, Object> cxx = hint(json, "cxx-exception");
        assertTrue(((String) cxx.get("text")).startsWith("Catch C++ exceptions before they leave native code: "
                + "std::runtime_error escaped from app::Worker::step(std::"), cxx.toString());
        assertEquals("the uncaught exception std::runtime_error: boom, then std::terminate and abort()", cxx.get("evidence"));
        Map<String, Object> version = hint(json, "library-version");
        assertTrue(((String) version.get("evidence")).startsWith("libcrashcapcpptest.so was loaded by "
                + CppThrower.class.getName() + " from file:"), version.toString());
        reportEndingWithHints(bundle, "std::runtime_error escaped");
        briefWithHints(bundle, "std::runtime_error escaped");
    }

    /** The human report: the hints are its last section, and one of them says {@code expected}. */
    private String reportEndingWithHints(Path bundle, String expected) throws Exception {
        TestJvm.Result inspect = TestJvm.cli(work, "inspect", bundle.toString());
        assertEquals(0, inspect.exitCode(), inspect.stderr());
        String report = inspect.stdout();
        int hints = report.indexOf("\nWHAT TO TRY\n");
        assertTrue(hints > report.indexOf("\nMODULES (") && hints > report.indexOf("\nENVIRONMENT ("),
                "the hints come last: " + report);
        String section = report.substring(hints);
        assertTrue(section.contains(expected), section);
        assertTrue(section.contains("\n     because: "), "each hint with its evidence: " + section);
        return report;
    }

    /** {@code inspect --brief}: at most 40 lines, the hints among them. */
    private void briefWithHints(Path bundle, String expected) throws Exception {
        String brief = TestJvm.cli(work, "inspect", "--brief", bundle.toString()).stdout();
        assertTrue(brief.lines().count() <= 40, brief);
        assertTrue(brief.contains("\nWHAT TO TRY\n") && brief.substring(brief.indexOf("\nWHAT TO TRY\n")).contains(expected),
                brief);
    }

    private static List<Map<String, Object>> hints(Map<String, Object> json) {
        return Inspect.objects(json, "diagnosis.hints");
    }

    private static Map<String, Object> hint(Map<String, Object> json, String kind) {
        return hints(json).stream().filter(hint -> kind.equals(hint.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " hint in " + hints(json).stream()
                        .map(hint -> hint.get("kind")).collect(Collectors.toList())));
    }

    private static String jarOf(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
