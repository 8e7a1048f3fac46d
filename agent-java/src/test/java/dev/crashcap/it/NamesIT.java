package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.CppThrower;
import dev.crashcap.testapp.Crasher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names as a person reads them, on real crashes: C++ names demangled (the JSON keeps the raw one), an uncaught
 * C++ exception's type and what() as the abort message, libc's internal functions named from its separate debug
 * file (Debian's libc6-dbg).
 */
class NamesIT {
    static final Path CPP_TESTLIB = TestJvm.TESTLIB.resolveSibling("libcrashcapcpptest.so");

    @TempDir
    Path work;

    @Test
    void anUncaughtCppExceptionIsNamedAndSoIsTheCodeThatThrewIt() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.Result jvm = TestJvm.crashWithAgent(work, bundles, List.of("-Dcrashcap.cpptestlib=" + CPP_TESTLIB),
                Map.of(), CppThrower.class.getName(), "boom");
        assertEquals(134, jvm.exitCode(), "killed by SIGABRT, as without crashcap: " + jvm.stderr());
        assertTrue(jvm.stderr().contains("what():  boom"), "libstdc++ still says it: " + jvm.stderr());
        Path bundle = Inspect.onlyBundle(bundles);

        Map<String, Object> json = Inspect.json(work, bundle);
        assertEquals("SIGABRT", JsonReader.get(json, "signal.name"));
        assertEquals("std::runtime_error: boom", JsonReader.get(json, "abortMessage"));
        assertEquals("std::runtime_error", JsonReader.get(json, "cxxException.type"));
        assertEquals("St13runtime_error", JsonReader.get(json, "cxxException.rawType"));
        assertEquals("boom", JsonReader.get(json, "cxxException.what"));
        assertEquals("libcrashcapcpptest.so", JsonReader.get(json, "diagnosis.suspectModule"));

        Map<String, Object> step = Inspect.objects(json, "crashingThread.frames").stream()
                .filter(frame -> "_ZN3app6Worker4stepERKSs".equals(frame.get("function"))).findFirst()
                .orElseThrow(() -> new AssertionError("no app::Worker::step frame: "
                        + Inspect.functions(Inspect.objects(json, "crashingThread.frames"))));
        String demangled = (String) step.get("demangled");
        assertTrue(demangled.startsWith("app::Worker::step(std::") && demangled.endsWith(" const&)"), demangled);
        String summary = (String) JsonReader.get(json, "diagnosis.summary");
        assertTrue(summary.contains("std::runtime_error: boom"), summary);
        assertTrue(summary.contains("app::Worker::step(std::"), summary);

        String report = TestJvm.cli(work, "inspect", bundle.toString()).stdout();
        String brief = TestJvm.cli(work, "inspect", "--brief", bundle.toString()).stdout();
        for (String text : List.of(report, brief)) {
            assertTrue(text.contains("abort message:     std::runtime_error: boom"), text);
            assertTrue(text.contains("problematic frame: libcrashcapcpptest.so+"), text);
            assertTrue(text.contains(" in app::Worker::step(std::"), text);
            assertFalse(text.contains("_ZN3app6Worker4step"), "no raw C++ name where a person reads: " + text);
        }
    }

    @Test
    void javaFramesReadAsInAJavaStackTraceAndLibcIsNamedFromItsDebugFile() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.Result jvm = TestJvm.crashWithAgent(work, bundles, List.of(), Map.of(), Crasher.class.getName(), "segv");
        assertNotEquals(0, jvm.exitCode(), jvm.stderr());
        Path bundle = Inspect.onlyBundle(bundles);
        Map<String, Object> json = Inspect.json(work, bundle);

        List<Map<String, Object>> java = Inspect.objects(json, "crashingThread.frames").stream()
                .filter(frame -> "java".equals(frame.get("kind"))).collect(Collectors.toList());
        assertEquals("at dev.crashcap.testapp.Crasher.crash(Native Method)", java.get(0).get("text"), java.toString());
        assertEquals("native", java.get(0).get("frameKind"));
        Map<String, Object> lambda = java.stream().filter(frame -> "lambda$main$0".equals(frame.get("method")))
                .findFirst().orElseThrow(() -> new AssertionError(java.toString()));
        assertEquals("Crasher.java", lambda.get("sourceFile"));
        assertEquals("at dev.crashcap.testapp.Crasher.lambda$main$0(Crasher.java:" + lambda.get("line") + ")",
                lambda.get("text"));
        assertTrue(TestJvm.cli(work, "inspect", bundle.toString()).stdout()
                .contains("at dev.crashcap.testapp.Crasher.lambda$main$0(Crasher.java:" + lambda.get("line") + ")"));
        // The Runnable of new Thread(() -> ...) is a hidden class: named as Class.getName() names it.
        List<String> hidden = java.stream().map(frame -> (String) frame.get("class"))
                .filter(name -> name.contains("$$Lambda")).collect(Collectors.toList());
        assertFalse(hidden.isEmpty(), "the lambda's frame: " + java);
        for (String name : hidden) {
            assertTrue(name.matches("dev\\.crashcap\\.testapp\\.Crasher\\$\\$Lambda[$0-9]*/0x[0-9a-f]+"), name);
        }

        String libc = "/lib/x86_64-linux-gnu/libc.so.6";
        assumeTrue(Files.exists(Path.of(libc)), "a Debian-style libc");
        Map<String, Object> module = Inspect.objects(json, "modules").stream()
                .filter(m -> "libc.so.6".equals(m.get("name"))).findFirst().orElseThrow();
        String buildId = (String) module.get("buildId");
        assumeTrue(Files.isRegularFile(Path.of("/usr/lib/debug/.build-id/" + buildId.substring(0, 2) + "/"
                + buildId.substring(2) + ".debug")), "libc's debug file (Debian: libc6-dbg) is installed");
        List<String> libcFunctions = Inspect.objects(json, "threads").stream()
                .flatMap(thread -> Inspect.objects(thread, "frames").stream())
                .filter(frame -> "libc.so.6".equals(frame.get("module")))
                .map(frame -> Objects.toString(frame.get("function"))).distinct().collect(Collectors.toList());
        // Every thread starts in clone3 and start_thread; neither is exported, so the capture cannot name them.
        assertTrue(libcFunctions.containsAll(List.of("start_thread", "clone3")), libcFunctions.toString());
        assertFalse(libcFunctions.contains("null"), "every libc frame named: " + libcFunctions);
    }
}
