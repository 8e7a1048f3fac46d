package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.testapp.Storms;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash ends the JVM exactly as it would without crashcap: the same exit status, hs_err written or not the same.
 * The shape here once ended with exit status 0 in 5 to 10 of 15 runs: the main thread asleep in sleep(3) inside a JNI
 * call was interrupted by the signal that asks every thread for its stack, returned, and ended the process while the
 * crashing native thread was still capturing (docs/threads.md, "What other threads see").
 */
class CrashOutcomeIT {
    private static final int RUNS = 20;
    private static final String APP = Storms.class.getName();

    @TempDir
    Path work;

    /** How a crashed JVM ended: its exit status and whether it left hs_err. */
    record Outcome(int exitCode, boolean hsErr) {
        static Outcome of(TestJvm.Result result, Path work) throws IOException {
            return new Outcome(result.exitCode(), hasHsErr(work));
        }
    }

    @Test
    void aNativeThreadCrashingWhileMainSleepsInNativeCodeEndsAsWithoutTheAgentTwentyTimesInARow() throws Exception {
        Path plainWork = work.resolve("plain");
        TestJvm.Result plainRun = TestJvm.runWithoutAgent(plainWork, APP, "sleeping-main");
        Outcome plain = Outcome.of(plainRun, plainWork);
        assertEquals(new Outcome(134, true), plain, "without the agent: abort after hs_err. " + plainRun.stderr());
        for (int run = 0; run < RUNS; run++) {
            Path armedWork = work.resolve("armed-" + run);
            Path bundles = armedWork.resolve("bundles");
            TestJvm.Result armed = TestJvm.runWithAgent(armedWork, bundles, List.of(), Map.of(), APP, "sleeping-main");
            assertEquals(plain, Outcome.of(armed, armedWork), "run " + run + ": " + armed.stderr());
            Map<String, Object> json = Inspect.json(armedWork, Inspect.onlyBundle(bundles));
            assertEquals(false, json.get("truncated"), "run " + run + ": the capture was not cut off");
            assertEquals(Storms.LATE_CRASH_THREAD, Inspect.object(json, "crashingThread").get("name"));
        }
    }

    static boolean hasHsErr(Path work) throws IOException {
        try (Stream<Path> entries = Files.list(work)) {
            return entries.anyMatch(path -> path.getFileName().toString().startsWith("hs_err_pid"));
        }
    }

    static void assertSameOutcome(TestJvm.Result plain, Path plainWork, TestJvm.Result armed, Path armedWork)
            throws IOException {
        assertEquals(Outcome.of(plain, plainWork), Outcome.of(armed, armedWork), "with the agent as without: "
                + armed.stderr().lines().limit(5).toList());
        assertTrue(armed.exitCode() != 0, "a crash never ends with status 0");
    }
}
