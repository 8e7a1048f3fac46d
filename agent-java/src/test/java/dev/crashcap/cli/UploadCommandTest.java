package dev.crashcap.cli;

import static dev.crashcap.cli.MainTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.Samples;
import dev.crashcap.collector.LoopbackCollector;
import dev.crashcap.collector.LoopbackCollector.Mode;
import dev.crashcap.ship.ShipBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code crashcap upload} and the states {@code crashcap list} shows, against a real collector on loopback. */
class UploadCommandTest {
    @TempDir
    Path folder;

    @Test
    void plainHttpToAnotherHostIsRefusedInOneLine() {
        MainTest.Result result = run("upload", folder.toString(), "--url", "http://collector.example.com/bundles");
        assertEquals(2, result.code());
        assertEquals("crashcap: plain http:// is refused except to loopback addresses; use https:// for "
                + "collector.example.com\n", result.err());
    }

    @Test
    void aTargetIsRequiredAndOnlyOne() {
        MainTest.Result none = run("upload", folder.toString());
        assertEquals(2, none.code());
        assertTrue(none.err().startsWith("crashcap: no target: give --url URL or --sentry-dsn DSN"), none.err());
        MainTest.Result both = run("upload", folder.toString(), "--url", "https://a/x", "--sentry-dsn", "https://k@b/1");
        assertEquals("crashcap: give --url or --sentry-dsn, not both\n", both.err());
    }

    @Test
    void dryRunSendsNothingChangesNothingAndPrintsNoSecret() throws Exception {
        ShipBundles.bundle(folder, Samples.SEGV, 1);
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            MainTest.Result result = run("upload", folder.toString(), "--url", collector.url("/bundles"),
                    "--token", "TOPSECRET", "--dry-run");
            assertEquals(0, result.code(), result.err());
            assertTrue(result.out().contains("POST " + collector.url("/bundles")), result.out());
            assertTrue(result.out().contains("Authorization: Bearer <token>"), result.out());
            assertTrue(result.out().contains("Crashcap-Signal: SIGSEGV"), result.out());
            assertFalse(result.out().contains("TOPSECRET"));
            assertEquals(0, collector.requests().size());

            MainTest.Result sentry = run("upload", folder.toString(), "--dry-run", "--sentry-dsn",
                    collector.url("/7").replace("http://", "http://pub:OLDSECRET@"));
            assertTrue(sentry.out().contains("/api/7/envelope/"), sentry.out());
            assertFalse(sentry.out().contains("OLDSECRET"), sentry.out());
        }
        assertTrue(run("list", folder.toString()).out().contains(" new "), "no state changed");
    }

    @Test
    void snapshotsStayLocal() throws Exception {
        ShipBundles.bundle(folder, Samples.SEGV, 1);
        Path snapshot = Files.createDirectories(folder.resolve("snapshot-20261123T120000Z-4242"));
        Files.copy(ShipBundles.bundle(folder, Samples.SEGV, 2).resolve("capture.txt"), snapshot.resolve("capture.txt"));
        deleteTree(folder.resolve("crash-2"));
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            MainTest.Result upload = run("upload", folder.toString(), "--url", collector.url("/b"));
            assertEquals(0, upload.code(), upload.out() + upload.err());
            assertEquals(1, collector.requests().size(), "only the crash bundle is shipped");
        }
        assertFalse(Files.exists(snapshot.resolve("bundle.zip")), "the snapshot is left as it was");
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(path);
        }
    }

    @Test
    void listShowsEachBundlesState() throws Exception {
        ShipBundles.bundle(folder, Samples.SEGV, 1);
        ShipBundles.bundle(folder, Samples.SEGV, 2);
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            MainTest.Result upload = run("upload", folder.toString(), "--url", collector.url("/b"));
            assertEquals(0, upload.code(), upload.out() + upload.err());
            assertTrue(upload.out().endsWith("sent 2, pending 0, failed 0, suppressed 0\n"), upload.out());

            Path third = ShipBundles.bundle(folder, Samples.DOUBLE_FREE, 3);
            collector.mode(Mode.CLIENT_ERROR);
            assertEquals(12, run("upload", folder.toString(), "--url", collector.url("/b")).code(), "refused");
            Path fourth = ShipBundles.bundle(folder, Samples.DOUBLE_FREE, 4);
            collector.mode(Mode.SERVER_ERROR);
            assertEquals(11, run("upload", folder.toString(), "--url", collector.url("/b")).code(), "still pending");

            String table = run("list", folder.toString()).out();
            assertTrue(table.lines().findFirst().orElse("").contains("STATE"), table);
            assertEquals(2, table.lines().filter(line -> line.contains(" sent ")).count(), table);
            assertTrue(table.lines().anyMatch(line -> line.contains(" failed ") && line.endsWith(third.toString())),
                    table);
            assertTrue(table.lines().anyMatch(line -> line.contains(" pending ") && line.endsWith(fourth.toString())),
                    table);
            assertTrue(run("list", "--json", folder.toString()).out().contains("\"state\": \"sent\""));
            assertEquals(4, collector.requests().size(), "sent bundles were not sent again");
        }
    }

    @Test
    void aCrashLoopIsLimitedAndTheRestKeptAsSuppressed() throws Exception {
        for (int i = 0; i < 7; i++) {
            ShipBundles.bundle(folder, Samples.SEGV, i); // one signature
        }
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            MainTest.Result upload = run("upload", folder.toString(), "--url", collector.url("/b"));
            assertEquals(0, upload.code(), upload.err());
            assertTrue(upload.out().endsWith("sent 5, pending 0, failed 0, suppressed 2\n"), upload.out());
            assertEquals(5, collector.requests().size());
        }
        assertEquals(2, run("list", folder.toString()).out().lines().filter(l -> l.contains(" suppressed ")).count());
    }

    /**
     * The target and the disk cap come from the agent's configuration (CRASHCAP_URL, CRASHCAP_MAX_BUNDLES,
     * CRASHCAP_MAX_MB) unless given on the command line; the cap is enforced after the pass.
     */
    @Test
    void theTargetAndTheDiskCapComeFromTheAgentsConfigurationUnlessGiven() throws Exception {
        for (int i = 0; i < 4; i++) {
            ShipBundles.bundle(folder, Samples.SEGV, i);
        }
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            Map<String, String> environment = Map.of("CRASHCAP_URL", collector.url("/b"), "CRASHCAP_MAX_BUNDLES", "2");
            MainTest.Result given = run(new Properties(), environment, "upload", folder.toString(), "--max-bundles", "4");
            assertEquals(0, given.code(), given.out() + given.err());
            assertEquals(4, collector.requests().size(), "sent to CRASHCAP_URL");
            assertEquals(4, bundleCount(), "--max-bundles 4 before CRASHCAP_MAX_BUNDLES=2");

            MainTest.Result configured = run(new Properties(), environment, "upload", folder.toString());
            assertEquals(0, configured.code(), configured.out() + configured.err());
            assertEquals(2, bundleCount(), "CRASHCAP_MAX_BUNDLES=2: the two oldest sent bundles deleted");

            Properties properties = new Properties();
            properties.setProperty("crashcap.max-mb", "0");
            MainTest.Result byProperty = run(properties, Map.of("CRASHCAP_MAX_MB", "512"), "upload", folder.toString(),
                    "--url", collector.url("/b"));
            assertEquals(0, byProperty.code(), byProperty.out() + byProperty.err());
            assertEquals(0, bundleCount(), "-Dcrashcap.max-mb=0 before CRASHCAP_MAX_MB: every sent bundle deleted");
            assertEquals(4, collector.requests().size(), "nothing sent twice");
        }
    }

    /**
     * The crash-loop limit comes from the agent's configuration too (-Dcrashcap.crash-loop-limit, then
     * CRASHCAP_CRASH_LOOP_LIMIT), so an operator's one setting means the same for the agent and the CLI; the command
     * line comes first.
     */
    @Test
    void theCrashLoopLimitComesFromTheAgentsConfigurationUnlessGiven() throws Exception {
        for (int i = 0; i < 6; i++) {
            ShipBundles.bundle(folder, Samples.SEGV, i); // one signature
        }
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            Map<String, String> environment = Map.of("CRASHCAP_URL", collector.url("/b"),
                    "CRASHCAP_CRASH_LOOP_LIMIT", "2");
            MainTest.Result configured = run(new Properties(), environment, "upload", folder.toString());
            assertEquals(0, configured.code(), configured.out() + configured.err());
            assertTrue(configured.out().endsWith("sent 2, pending 0, failed 0, suppressed 4\n"), configured.out());

            ShipBundles.bundle(folder, Samples.SEGV, 6);
            Properties properties = new Properties();
            properties.setProperty("crashcap.crash-loop-limit", "1");
            MainTest.Result byProperty = run(properties, environment, "upload", folder.toString(),
                    "--crash-loop-limit", "3");
            assertEquals(0, byProperty.code(), byProperty.out() + byProperty.err());
            assertTrue(byProperty.out().endsWith("sent 1, pending 0, failed 0, suppressed 0\n"),
                    "--crash-loop-limit 3 before the property's 1 and the variable's 2: " + byProperty.out());
            assertEquals(3, collector.requests().size());
        }
        MainTest.Result zero = run(new Properties(), Map.of("CRASHCAP_CRASH_LOOP_LIMIT", "0"), "upload",
                folder.toString(), "--url", "https://a/x");
        assertEquals(2, zero.code());
        assertEquals("crashcap: --crash-loop-limit must be 1 or more: 0\n", zero.err());
    }

    @Test
    void aBadDiskCapIsOneLine() {
        MainTest.Result configured = run(new Properties(), Map.of("CRASHCAP_MAX_MB", "lots"), "upload", folder.toString(),
                "--url", "https://a/x");
        assertEquals(2, configured.code());
        assertEquals("crashcap: -Dcrashcap.max-mb or CRASHCAP_MAX_MB is not a whole number: lots "
                + "(see: crashcap upload --help)\n", configured.err());
        MainTest.Result overridden = run(new Properties(), Map.of("CRASHCAP_MAX_MB", "lots"), "upload",
                folder.toString(), "--url", "https://a/x", "--max-mb", "5");
        assertEquals(0, overridden.code(), "given on the command line, the configured value is not read: " + overridden);
        MainTest.Result negative = run("upload", folder.toString(), "--url", "https://a/x", "--max-bundles", "-1");
        assertEquals(2, negative.code());
        assertEquals("crashcap: --max-bundles must not be negative: -1\n", negative.err());
    }

    private long bundleCount() throws java.io.IOException {
        try (var children = Files.list(folder)) {
            return children.filter(child -> child.getFileName().toString().startsWith("crash-")).count();
        }
    }

    @Test
    void aMissingFolderIsOneLine() {
        MainTest.Result result = run("upload", folder.resolve("nope").toString(), "--url", "https://a/x");
        assertEquals(2, result.code());
        assertEquals("crashcap: no such directory: " + folder.resolve("nope") + "\n", result.err());
    }
}
