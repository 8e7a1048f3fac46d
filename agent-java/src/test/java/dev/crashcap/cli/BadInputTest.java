package dev.crashcap.cli;

import static dev.crashcap.cli.MainTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.Samples;
import dev.crashcap.collector.LoopbackCollector;
import dev.crashcap.collector.LoopbackCollector.Mode;
import dev.crashcap.ship.ShipBundles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, "bad input is exit 2 and changes nothing": bad numbers, unusable URLs, FIFOs, bad pids, and what upload
 * prints. Each case says nothing was touched by looking at the bundle afterwards.
 */
class BadInputTest {
    @TempDir
    Path folder;

    @Test
    void negativeNumbersOfUploadAreBadInputAndTouchNothing() throws Exception {
        Path bundle = ShipBundles.bundle(folder, Samples.SEGV, 1);
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            for (String bad : List.of("--max-bundles=-1", "--max-mb=-1", "--timeout=-1", "--crash-loop-limit=-1")) {
                MainTest.Result result = run("upload", folder.toString(), "--url", collector.url("/b"), bad);
                assertEquals(2, result.code(), bad + ": " + result.out() + result.err());
                String option = bad.substring(0, bad.indexOf('='));
                assertTrue(result.err().startsWith("crashcap: " + option + " must "), result.err());
                assertEquals(1, result.err().lines().count(), result.err());
                assertEquals(0, collector.requests().size(), bad);
            }
        }
        assertUntouched(bundle);
    }

    @Test
    void aUrlThatCannotBeUsedIsRefusedBeforeAnyBundleIsTouched() throws Exception {
        Path bundle = ShipBundles.bundle(folder, Samples.SEGV, 1);
        MainTest.Result port = run("upload", folder.toString(), "--url", "http://127.0.0.1:99999/");
        assertEquals(2, port.code(), port.out() + port.err());
        assertEquals("crashcap: --url has port 99999; a port is 1 to 65535\n", port.err());
        assertUntouched(bundle);
    }

    @Test
    void aUrlWithUserAndPasswordIsRefusedAndThePasswordNeverPrinted() throws Exception {
        Path bundle = ShipBundles.bundle(folder, Samples.SEGV, 1);
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            String url = collector.url("/b").replace("http://", "http://alice:HUNTER2@");
            for (List<String> extra : List.of(List.<String>of(), List.of("--dry-run"))) {
                List<String> args = new java.util.ArrayList<>(List.of("upload", folder.toString(), "--url", url));
                args.addAll(extra);
                MainTest.Result result = run(args.toArray(String[]::new));
                assertEquals(2, result.code(), result.out() + result.err());
                assertTrue(result.err().contains("user name or password"), result.err());
                assertFalse((result.out() + result.err()).contains("HUNTER2"), result.out() + result.err());
                assertEquals(0, collector.requests().size());
            }
        }
        assertUntouched(bundle);
    }

    @Test
    void shortLoopbackAddressesAreLoopback() throws Exception {
        ShipBundles.bundle(folder, Samples.SEGV, 1);
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            MainTest.Result result = run("upload", folder.toString(), "--url",
                    collector.url("/b").replace("127.0.0.1", "127.1"));
            assertEquals(0, result.code(), result.out() + result.err());
            assertEquals(1, collector.requests().size());
        }
    }

    @Test
    void uploadPrintsPathsWithoutControlCharacters() throws Exception {
        Path plain = ShipBundles.bundle(folder, Samples.SEGV, 1);
        Path hostile = folder.resolve("crash-\u001b]0;owned\u0007\u001b[2J");
        Files.move(plain, hostile);
        try (LoopbackCollector collector = new LoopbackCollector(Mode.CLIENT_ERROR)) {
            for (String dryRun : List.of("--dry-run", "--max-mb=512")) {
                MainTest.Result result = run("upload", folder.toString(), "--url", collector.url("/b"), dryRun);
                assertTrue(result.out().contains("crash-?]0;owned??[2J"), result.out());
                assertFalse(result.out().chars().anyMatch(c -> c == 0x1b || c == 0x07), result.out());
            }
        }
    }

    @Test
    void dryRunAppliesTheCrashLoopLimitAsTheRealPassWould() throws Exception {
        for (int n = 1; n <= 3; n++) {
            ShipBundles.bundle(folder, Samples.SEGV, n); // one crash signature
        }
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            MainTest.Result dry = run("upload", folder.toString(), "--url", collector.url("/b"), "--dry-run",
                    "--crash-loop-limit=1");
            assertEquals(0, dry.code(), dry.out() + dry.err());
            assertEquals(2, dry.out().lines().filter(line -> line.contains("would be suppressed: crash loop")).count(),
                    dry.out());
            assertTrue(dry.out().contains("would send 1, pending 0, failed 0, suppressed 2"), dry.out());
            MainTest.Result real = run("upload", folder.toString(), "--url", collector.url("/b"), "--crash-loop-limit=1");
            assertTrue(real.out().contains("sent 1, pending 0, failed 0, suppressed 2"), real.out());
        }
    }

    @Test
    void dryRunExitsAsTheRealPassWould() throws Exception {
        // A bundle of a process that still runs (this one) and crashed just now: not ready, so the real pass exits 11.
        String capture = new String(Samples.bytes(Samples.SEGV), StandardCharsets.UTF_8)
                .replaceAll("process\\.pid\t\\d+", "process.pid\t" + ProcessHandle.current().pid())
                .replaceAll("time\\.epochMillis\t\\d+", "time.epochMillis\t" + System.currentTimeMillis());
        Samples.bundleDir(folder, "crash-1", capture.getBytes(StandardCharsets.UTF_8));
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            MainTest.Result dry = run("upload", folder.toString(), "--url", collector.url("/b"), "--dry-run");
            MainTest.Result real = run("upload", folder.toString(), "--url", collector.url("/b"));
            assertEquals(ExitCode.STILL_PENDING.code(), real.code(), real.out() + real.err());
            assertEquals(real.code(), dry.code(), dry.out() + dry.err());
        }
    }

    @Test
    void aGarbageSpoolStateIsShownAsDamaged() throws Exception {
        Path bundle = ShipBundles.bundle(folder, Samples.SEGV, 1);
        Files.writeString(bundle.resolve("spool.state"), "\u0000\u0001garbage\\u12");
        MainTest.Result list = run("list", "--json", folder.toString());
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("\"state\": \"damaged\""), list.out());
        assertTrue(run("list", folder.toString()).out().contains(" damaged "));
    }

    @Test
    void fifosNeverBlock() throws Exception {
        Path fifo = folder.resolve("fifo");
        mkfifo(fifo);
        Path bundle = ShipBundles.bundle(folder, Samples.SEGV, 1);
        mkfifo(bundle.resolve("spool.state"));
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            MainTest.Result inspect = run("inspect", fifo.toString());
            assertEquals(2, inspect.code(), inspect.out() + inspect.err());
            assertEquals("crashcap: not a crashcap bundle: " + fifo + " (it has no capture.txt)\n", inspect.err());
            MainTest.Result list = run("list", folder.toString());
            assertEquals(0, list.code(), list.err());
            assertTrue(list.out().contains(" damaged "), list.out());
            MainTest.Result dry = run("upload", folder.toString(), "--url", "http://127.0.0.1:9/", "--dry-run");
            assertTrue(dry.out().contains("(damaged)"), dry.out());
        });
    }

    @Test
    void pidZeroAndNegativePidsAreBadInput() {
        for (String command : List.of("attach", "dump")) {
            for (String pid : List.of("0", "-5")) {
                MainTest.Result result = run(command, pid, "--timeout", "1");
                assertEquals(2, result.code(), command + " " + pid + ": " + result.err());
                assertEquals("crashcap: not a process id: " + pid + " (a pid is 1 or more)\n", result.err());
            }
        }
    }

    private static void mkfifo(Path path) throws Exception {
        Process process = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertEquals(0, process.waitFor());
    }

    /** Still new: no state written, not packed, and shown as new. */
    private void assertUntouched(Path bundle) {
        assertFalse(Files.exists(bundle.resolve("spool.state")), "no state written");
        assertFalse(Files.exists(bundle.resolve("bundle.zip")), "not packed");
        assertTrue(run("list", folder.toString()).out().contains(" new "));
    }
}
