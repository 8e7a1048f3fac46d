package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.DumpCrash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thread crashes while a live dump waits for its stack ({@code crashcap dump}; lined up without timing:
 * agent-native/testlib/dump_crash.c). The crash waits for the snapshot (they share the capture's buffers) and records
 * itself in it meanwhile: the snapshot shows the thread crashed, with its stack from the crash site, where it used to
 * wait its whole deadline for an answer that could not come and list the thread as missing. Then the crash bundle is
 * written as always, with the crashing thread and its stack, and the crash ends as without crashcap. The dump either
 * completes (its snapshot's path on stdout) or, as the JVM ends before it answers, fails cleanly: one line that says
 * so, and where the snapshot is, instead of a line blaming permissions.
 */
class CrashDuringDumpIT {
    @TempDir
    Path work;

    @Test
    void aCrashDuringADumpIsInTheSnapshotAndInItsOwnBundleAndTheDumpEndsCleanly() throws Exception {
        Path bundles = work.resolve("bundles");
        Path dumps = work.resolve("dumps");
        List<String> options = new ArrayList<>(AttachIT.quiet());
        options.add("-javaagent:" + TestJvm.JAR + "=dir=" + bundles);
        TestJvm.Result dump;
        TestJvm.Result target;
        try (RunningJvm jvm = RunningJvm.start(work.resolve("target"),
                TestJvm.command(List.of(), options, DumpCrash.class.getName()), Map.of()).awaitOutput(DumpCrash.READY)) {
            dump = TestJvm.cli(work, "dump", Long.toString(jvm.pid()), "--out", dumps.toString());
            int exit = jvm.awaitExit();
            target = new TestJvm.Result(exit, jvm.pid(), jvm.stdout(), jvm.stderr());
        }
        // As a SIGSEGV in JNI code ends without crashcap: HotSpot's hs_err, then abort().
        assertEquals(134, target.exitCode(), target.stderr());
        assertTrue(TestJvm.hsErrWritten(target), target.stdout());
        assertFalse(target.stderr().contains("still alive"), target.stderr());

        Map<String, Object> crash = Inspect.json(work, Inspect.onlyBundle(bundles));
        Map<String, Object> crashing = Inspect.object(crash, "crashingThread");
        assertEquals(DumpCrash.CRASHER, crashing.get("name"));
        assertCrashSite(crashing);

        Path snapshot = onlySnapshot(dumps);
        Map<String, Object> json = Inspect.json(work, snapshot);
        assertEquals("snapshot", json.get("kind"));
        assertEquals(false, json.get("truncated"), "warnings: " + json.get("warnings"));
        Map<String, Object> crasher = Inspect.objects(json, "threads").stream()
                .filter(thread -> DumpCrash.CRASHER.equals(thread.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + DumpCrash.CRASHER + " in " + Inspect.threadNames(json)));
        assertNull(crasher.get("missing"), "the crash is recorded in the snapshot: " + crasher);
        assertEquals(true, crasher.get("crashed"), crasher.toString());
        assertEquals("SIGSEGV", JsonReader.get(crasher, "signal.name"), crasher.toString());
        assertCrashSite(crasher);

        if (dump.exitCode() == 0) {
            assertEquals(snapshot.toString(), dump.stdout().strip(), "the dump completed: " + dump);
        } else {
            AttachIT.assertOneLine(dump, 3, "crashcap: pid " + target.pid() + " ended before it answered");
            assertTrue(dump.stderr().strip().endsWith("the snapshot it wrote: " + snapshot), dump.stderr());
        }
    }

    /** Its stack from the crash site down to the Java method that called into JNI. */
    private static void assertCrashSite(Map<String, Object> thread) {
        List<Map<String, Object>> frames = Inspect.objects(thread, "frames");
        List<String> functions = Inspect.functions(frames);
        assertEquals(List.of("crashcaptest_dump_crash_site", "crashcaptest_crash_during_dump"), functions.subList(0, 2),
                functions.toString());
        assertTrue(Inspect.javaMethods(frames).contains(DumpCrash.class.getName() + ".crashDuringDump"),
                Inspect.javaMethods(frames).toString());
    }

    private static Path onlySnapshot(Path dumps) throws IOException {
        try (Stream<Path> entries = Files.list(dumps)) {
            List<Path> snapshots = entries.filter(entry -> entry.getFileName().toString().startsWith("snapshot-")).toList();
            assertEquals(1, snapshots.size(), snapshots.toString());
            assertTrue(Files.readString(snapshots.get(0).resolve("capture.txt")).endsWith("end\tcomplete\n"),
                    "the snapshot finished");
            return snapshots.get(0);
        }
    }
}
