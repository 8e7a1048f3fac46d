package dev.crashcap.it;

import static dev.crashcap.it.Inspect.objects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.Storms;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Many threads crashing at once ({@link Storms}): one bundle, every crashing thread marked crashed with its own signal
 * and its own crash site, no thread missing the capture's deadline, and the JVM ending as it does without the agent
 * (run too, for each case).
 */
class StormsIT {
    private static final String APP = Storms.class.getName();

    @TempDir
    Path work;

    @ParameterizedTest(name = "{0} x{1}")
    @CsvSource({
        "jni, 1", "jni, 2", "jni, 16", "jni, 64",
        "unsafe, 1", "unsafe, 2", "unsafe, 16", "unsafe, 64",
        "native, 1", "native, 2", "native, 16", "native, 64",
    })
    void everyCrashingThreadIsMarkedWithItsOwnSignalInOneBundle(String kind, int threads) throws Exception {
        Path plainWork = work.resolve("plain");
        TestJvm.Result plain = TestJvm.runWithoutAgent(plainWork, APP, kind, String.valueOf(threads));
        Path armedWork = work.resolve("armed");
        Path bundles = armedWork.resolve("bundles");
        TestJvm.Result armed = TestJvm.runWithAgent(armedWork, bundles, List.of(), Map.of(), APP, kind,
                String.valueOf(threads));
        CrashOutcomeIT.assertSameOutcome(plain, plainWork, armed, armedWork);

        Map<String, Object> json = Inspect.json(armedWork, Inspect.onlyBundle(bundles));
        assertEquals(false, json.get("truncated"), "warnings: " + json.get("warnings"));
        String prefix = kind.equals("native") ? Storms.NATIVE_PREFIX : Storms.JAVA_PREFIX;
        Set<String> expected = IntStream.range(0, threads).mapToObj(i -> prefix + i).collect(Collectors.toCollection(TreeSet::new));
        List<Map<String, Object>> crashed = objects(json, "threads").stream()
                .filter(thread -> Boolean.TRUE.equals(thread.get("crashed"))).collect(Collectors.toList());
        assertEquals(expected, crashed.stream().map(t -> String.valueOf(t.get("name"))).collect(Collectors.toCollection(TreeSet::new)),
                "the storm's threads, and only they, are marked crashed");
        assertEquals(threads, crashed.stream().map(t -> t.get("tid")).distinct().count());
        for (Map<String, Object> thread : crashed) {
            String name = String.valueOf(thread.get("name"));
            assertEquals("SIGSEGV", JsonReader.get(thread, "signal.name"), name);
            assertEquals("0x0", JsonReader.get(thread, "signal.address"), name);
            Map<String, Object> site = objects(thread, "frames").get(0);
            if (kind.equals("unsafe")) {
                assertTrue(String.valueOf(site.get("module")).endsWith("libjvm.so"), name + " crashed in the JVM: " + site);
            } else {
                assertEquals("crashcaptest_write_null", site.get("function"), name + ": its own crash site first");
            }
        }
        // Within the deadline: every thread answered, but one that ended meanwhile (HotSpot stops compiler threads it
        // no longer needs), which /proc no longer knows.
        for (Map<String, Object> thread : objects(json, "threads")) {
            if (thread.get("missing") != null) {
                assertEquals("?", thread.get("kernelState"), "only a thread that ended may miss the deadline: " + thread);
            }
        }
        System.out.printf("storm %s x%d: exit %d, capture %d us%n", kind, threads, armed.exitCode(),
                JsonReader.get(json, "captureMicros"));
    }
}
