package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.VirtualThreadCrasher;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A virtual thread that crashes in JNI is named, with its carrier: the bundle's crashing thread is the carrier
 * ({@code ForkJoinPool-1-worker-…}, the kernel thread that crashed) and carries {@code virtualThread: {name, id}}, and
 * {@code inspect} says so in its first lines. JDK 21+: virtual threads do not exist before.
 */
class VirtualThreadIT {
    @TempDir
    Path work;

    @Test
    void aVirtualThreadCrashingInJniIsNamedOnItsCarrier() throws Exception {
        assumeTrue(TestJvm.featureVersion() >= 21, "virtual threads exist from JDK 21 on; this JDK is "
                + TestJvm.featureVersion() + " (run with -Dcrashcap.test.javaHome=<JDK 21+>)");
        Path bundles = work.resolve("bundles");
        TestJvm.Result jvm = TestJvm.crashWithAgent(work, bundles, List.of("-Djdk.virtualThreadScheduler.parallelism=2"),
                Map.of(), VirtualThreadCrasher.class.getName());
        assertEquals(134, jvm.exitCode(), jvm.stderr());
        Path bundle = Inspect.onlyBundle(bundles);
        Map<String, Object> json = Inspect.json(work, bundle);

        String carrier = (String) JsonReader.get(json, "crashingThread.name");
        assertTrue(carrier.startsWith("ForkJoinPool-1-worker-"), "the carrier crashed: " + carrier);
        assertEquals(VirtualThreadCrasher.NAME, JsonReader.get(json, "crashingThread.virtualThread.name"));
        long id = ((Number) JsonReader.get(json, "crashingThread.virtualThread.id")).longValue();
        assertTrue(id > 1, "a virtual thread's id: " + id);
        // The sleeper's carrier, asked for its stack like every other thread, names it too (a UTF-16 name in Java).
        List<Map<String, Object>> carriers = Inspect.objects(json, "threads").stream()
                .filter(thread -> thread.containsKey("virtualThread")).toList();
        assertEquals(2, carriers.size(), "the crasher's carrier and the sleeper's: " + Inspect.threadNames(json));
        Map<String, Object> sleeper = carriers.stream()
                .filter(thread -> !thread.get("tid").equals(JsonReader.get(json, "crashingThread.tid"))).findFirst()
                .orElseThrow();
        assertEquals(VirtualThreadCrasher.SLEEPER_NAME, JsonReader.get(sleeper, "virtualThread.name"));
        assertTrue(((String) sleeper.get("name")).startsWith("ForkJoinPool-1-worker-"), sleeper.get("name").toString());
        assertTrue(Inspect.javaMethods(Inspect.objects(sleeper, "frames")).contains("dev.crashcap.testapp.Crasher.sleepInNative"),
                "the sleeper's frames on its carrier");
        assertTrue(Inspect.javaMethods(Inspect.objects(json, "crashingThread.frames"))
                .contains("dev.crashcap.testapp.Crasher.crash"), "the virtual thread's frames");

        String report = TestJvm.cli(work, "inspect", bundle.toString()).stdout();
        List<String> first = report.lines().limit(10).toList();
        String expected = "virtual thread \"" + VirtualThreadCrasher.NAME + "\" (#" + id + ") on carrier \"" + carrier + "\"";
        assertTrue(first.stream().anyMatch(line -> line.contains(expected)), expected + " in the first lines:\n" + report);
        assertTrue(report.contains("(above: virtual thread \"" + VirtualThreadCrasher.NAME + "\" (#" + id
                + "); below: its carrier \"" + carrier + "\")"), "where the virtual thread was mounted: " + report);
    }
}
