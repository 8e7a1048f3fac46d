package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.Crasher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real JVMs with the agent, truly dying by the signal under test in libcrashcaptest.so, and what
 * {@code crashcap inspect --json} says about the bundle each one leaves.
 */
class CrashCaptureIT {
    /** The C call chain every crash goes through, innermost first, below the function that crashes. */
    static final List<String> CHAIN = List.of("crashcaptest_level3", "crashcaptest_level2", "crashcaptest_level1",
            "Java_dev_crashcap_testapp_Crasher_crash");

    @TempDir
    Path work;

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource({
        "segv, SIGSEGV, 11, SEGV_MAPERR, crashcaptest_write_null, fault",
        "bus, SIGBUS, 7, BUS_ADRERR, crashcaptest_read_past_file_end, fault",
        "fpe, SIGFPE, 8, FPE_INTDIV, crashcaptest_divide_by_zero, fault",
        "ill, SIGILL, 4, ILL_ILLOPN, crashcaptest_illegal_instruction, fault",
        "abort, SIGABRT, 6, SI_TKILL, crashcaptest_abort, abort",
        "double-free, SIGABRT, 6, SI_TKILL, crashcaptest_double_free, heap-corruption",
    })
    void crashInJniLeavesOneBundleWithTheWholeCallChain(String kind, String signal, int number, String code,
                                                         String crashingFunction, String diagnosis) throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.Result jvm = TestJvm.crashWithAgent(work, bundles, List.of(), Map.of(), Crasher.class.getName(), kind);
        assertNotEquals(0, jvm.exitCode(), "the JVM must still die: " + jvm.stderr());
        assertFalse(jvm.stderr().contains("still alive"), jvm.stderr());

        Path bundle = Inspect.onlyBundle(bundles);
        Map<String, Object> json = Inspect.json(work, bundle);
        assertEquals(1L, JsonReader.get(json, "schema"));
        assertEquals("crash", JsonReader.get(json, "kind"));
        assertEquals(false, JsonReader.get(json, "truncated"));
        assertEquals(signal, JsonReader.get(json, "signal.name"));
        assertEquals((long) number, JsonReader.get(json, "signal.number"));
        assertEquals(code, JsonReader.get(json, "signal.code"));
        assertEquals(diagnosis, JsonReader.get(json, "diagnosis.kind"));
        assertEquals("libcrashcaptest.so", JsonReader.get(json, "diagnosis.suspectModule"));
        assertEquals(jvm.pid(), JsonReader.get(json, "process.pid"));
        assertTrue((Long) JsonReader.get(json, "process.uptimeMillis") >= 0);
        assertFalse(((String) JsonReader.get(json, "jvm.version")).isEmpty());

        Map<String, Object> thread = Inspect.object(json, "crashingThread");
        assertEquals(Crasher.THREAD_NAME, thread.get("name"));
        List<Map<String, Object>> frames = Inspect.objects(thread, "frames");
        List<String> functions = frames.stream().map(f -> String.valueOf(f.get("function"))).collect(Collectors.toList());
        int crashSite = functions.indexOf(crashingFunction);
        assertTrue(crashSite >= 0, "no " + crashingFunction + " in " + functions);
        assertEquals(CHAIN, functions.subList(crashSite + 1, crashSite + 1 + CHAIN.size()),
                "the complete C call chain, innermost first: " + functions);
        for (Map<String, Object> frame : frames.subList(crashSite, crashSite + 1 + CHAIN.size())) {
            assertEquals("native", frame.get("kind"));
            assertEquals("libcrashcaptest.so", frame.get("module"));
            assertTrue(((String) frame.get("pc")).startsWith("0x"));
            assertTrue(((String) frame.get("offset")).startsWith("0x"));
        }
        if (kind.equals("segv")) { // file:line from the library's DWARF, found when inspect symbolizes
            Map<String, Object> site = frames.get(crashSite);
            assertTrue(String.valueOf(site.get("file")).endsWith("crashcaptest.c"), String.valueOf(site));
            assertTrue(site.get("line") instanceof Long line && line > 0, String.valueOf(site));
        }
        if (signal.equals("SIGABRT")) {
            assertEquals(List.of(), functions.subList(0, crashSite).stream()
                    .filter(f -> f.startsWith("crashcaptest")).collect(Collectors.toList()));
        } else {
            assertEquals(0, crashSite, "the crash site is frame 0: " + functions);
        }

        Map<String, Object> module = Inspect.objects(json, "modules").stream()
                .filter(m -> "libcrashcaptest.so".equals(m.get("name"))).findFirst().orElseThrow();
        assertEquals(TestJvm.TESTLIB.toRealPath().toString(), Path.of((String) module.get("path")).toRealPath().toString());
        assertEquals(buildIdOf(TestJvm.TESTLIB), module.get("buildId"));
        assertEquals(Crasher.class.getName(), JsonReader.get(module, "loadedBy.class"), "the class that loaded it");
        assertEquals(TestJvm.TEST_CLASSES.toAbsolutePath(),
                Path.of(java.net.URI.create((String) JsonReader.get(module, "loadedBy.jar"))), "where that class came from");
        assertTrue(((String) module.get("base")).startsWith("0x"));
        assertEquals(((Map<?, ?>) thread).get("tid"), JsonReader.get(json, "crashingThread.tid"));

        if (signal.equals("SIGABRT")) {
            assertNull(JsonReader.get(json, "hsErr"), "HotSpot writes no hs_err for SIGABRT");
        } else {
            String hsErr = (String) JsonReader.get(json, "hsErr");
            assertNotNull(hsErr, "hs_err must still be written and found");
            assertTrue(Files.isRegularFile(Path.of(hsErr)));
            Matcher stack = Pattern.compile("Stack: \\[(0x[0-9a-f]+),(0x[0-9a-f]+)\\]").matcher(Files.readString(Path.of(hsErr)));
            assertTrue(stack.find(), "hs_err names the crashing thread's stack");
            assertEquals(Long.decode(stack.group(1)), Long.decode((String) JsonReader.get(thread, "stack.low")), "as HotSpot sees it");
            assertEquals(Long.decode(stack.group(2)), Long.decode((String) JsonReader.get(thread, "stack.high")));
        }
        if (kind.equals("double-free")) {
            assertTrue(String.valueOf(JsonReader.get(json, "abortMessage")).contains("double free"), String.valueOf(json.get("abortMessage")));
        }
    }

    @Test
    void withLibjsigPreloadedTheCrashIsCapturedAndHotSpotStillReports() throws Exception {
        // libjsig records an agent's sigaction instead of installing it and calls it as the JVM's chained handler.
        Path libjsig = TestJvm.JAVA_HOME.resolve("lib/libjsig.so");
        Path bundles = work.resolve("bundles");
        TestJvm.Result jvm = TestJvm.crashWithAgent(work, bundles, List.of(), Map.of("LD_PRELOAD", libjsig.toString()),
                Crasher.class.getName(), "segv");
        assertNotEquals(0, jvm.exitCode());
        Map<String, Object> json = Inspect.json(work, Inspect.onlyBundle(bundles));
        assertEquals("SIGSEGV", JsonReader.get(json, "signal.name"));
        List<String> functions = Inspect.objects(json, "crashingThread.frames").stream()
                .map(f -> String.valueOf(f.get("function"))).collect(Collectors.toList());
        assertEquals("crashcaptest_write_null", functions.get(0));
        assertEquals(CHAIN, functions.subList(1, 1 + CHAIN.size()));
        assertNotNull(JsonReader.get(json, "hsErr"), "HotSpot still writes hs_err after crashcap");
    }

    @Test
    void bundleFilesArePrivateAndSecretsAreRedacted() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.crashWithAgent(work, bundles, List.of("-Ddb.password=hunter2-prop"),
                Map.of("MY_API_TOKEN", "hunter2-env", "DATABASE_URL", "postgres://app:hunter2-url@db/app"),
                Crasher.class.getName(), "segv");
        Path bundle = Inspect.onlyBundle(bundles);
        Path capture = bundle.resolve("capture.txt");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(bundle)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(capture)));
        String raw = Files.readString(capture);
        assertFalse(raw.contains("hunter2"), "a secret reached the bundle");
        Map<String, Object> json = Inspect.json(work, bundle);
        assertEquals("<redacted>", JsonReader.get(json, "process.env.MY_API_TOKEN"));
        assertEquals("postgres://app:<redacted>@db/app", JsonReader.get(json, "process.env.DATABASE_URL"));
        assertTrue(((List<?>) JsonReader.get(json, "process.args")).contains("-Ddb.password=<redacted>"));
    }

    @Test
    void humanReportNamesWhatAndWhere() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.crashWithAgent(work, bundles, List.of(), Map.of(), Crasher.class.getName(), "segv");
        Inspect.json(work, Inspect.onlyBundle(bundles)); // the invariants hold for the bundle the report shows
        TestJvm.Result inspect = TestJvm.cli(work, "inspect", Inspect.onlyBundle(bundles).toString());
        assertEquals(0, inspect.exitCode(), inspect.stderr());
        String report = inspect.stdout();
        assertTrue(report.contains("SIGSEGV"), report);
        assertTrue(report.contains("crashcaptest_write_null"), report);
        assertTrue(report.contains("libcrashcaptest.so"), report);
        assertTrue(report.indexOf("crashcaptest_write_null") < report.indexOf("crashcaptest_level1"), report);
    }

    @Test
    void truncatedBundleStillShowsWhatItHolds() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.crashWithAgent(work, bundles, List.of(), Map.of(), Crasher.class.getName(), "segv");
        String raw = Files.readString(Inspect.onlyBundle(bundles).resolve("capture.txt"));
        int cut = raw.indexOf("crashcaptest_level2");
        Path truncated = work.resolve("truncated");
        Files.createDirectories(truncated);
        Files.writeString(truncated.resolve("capture.txt"), raw.substring(0, cut));

        Map<String, Object> json = Inspect.json(work, truncated);
        assertEquals(true, JsonReader.get(json, "truncated"));
        assertEquals("SIGSEGV", JsonReader.get(json, "signal.name"));
        assertEquals(Crasher.THREAD_NAME, JsonReader.get(json, "crashingThread.name"));
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() throws Exception {
        for (String[] args : List.of(new String[] {"inspect", work.resolve("nope").toString()},
                new String[] {"inspect", "--json", work.toString()},
                new String[] {"list", work.resolve("nope").toString()})) {
            TestJvm.Result result = TestJvm.cli(work, args);
            assertEquals(2, result.exitCode(), String.join(" ", args));
            assertEquals(1, result.stderr().strip().lines().count(), result.stderr());
            assertTrue(result.stderr().startsWith("crashcap: "), result.stderr());
            assertFalse(result.stderr().contains("Exception"), result.stderr());
        }
    }

    /** The GNU build-id as binutils sees it in the file on disk, to check the one read from memory. */
    static String buildIdOf(Path library) throws IOException, InterruptedException {
        Process readelf = new ProcessBuilder("readelf", "-n", library.toString()).redirectErrorStream(true).start();
        String notes = new String(readelf.getInputStream().readAllBytes());
        readelf.waitFor();
        Matcher m = Pattern.compile("Build ID: ([0-9a-f]+)").matcher(notes);
        assertTrue(m.find(), notes);
        return m.group(1);
    }
}
