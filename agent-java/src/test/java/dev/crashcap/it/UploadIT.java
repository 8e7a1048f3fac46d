package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.Samples;
import dev.crashcap.collector.LoopbackCollector;
import dev.crashcap.collector.LoopbackCollector.Mode;
import dev.crashcap.collector.Spool;
import dev.crashcap.collector.SpoolState;
import dev.crashcap.ship.ShipBundles;
import dev.crashcap.testapp.AttachTarget;
import dev.crashcap.testapp.Crasher;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads by real processes to a real collector on loopback: the uploader killed half-way (SIGKILL) and started
 * again, two uploaders sharing one folder, an armed JVM that ships the bundle an earlier crash left, and one that
 * keeps to its configured crash-loop limit.
 */
class UploadIT {
    private static final int BUNDLES = 40;

    @TempDir
    Path work;

    @Test
    void killedUploaderLosesNothingAndSendsEachBundleOnce() throws Exception {
        Path folder = bundles(BUNDLES);
        try (LoopbackCollector collector = new LoopbackCollector(Mode.SLOW)) {
            collector.slowMillis(60);
            for (int killAfter : new int[] {5, 20}) {
                Process uploader = upload(folder, collector);
                awaitRequests(collector, killAfter, uploader);
                uploader.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no finally block runs
                assertNoneLost(folder);
            }
            Process last = upload(folder, collector);
            assertTrue(last.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, last.exitValue(), new String(last.getErrorStream().readAllBytes()));

            for (Path bundle : bundleDirs(folder)) {
                assertEquals(SpoolState.SENT, Spool.stateOf(bundle), bundle.toString());
            }
            assertEquals(BUNDLES, collector.accepted().size(), "every bundle reached the collector");
            int deliveries = collector.accepted().values().stream().mapToInt(c -> c.get()).sum();
            // A send cut off by SIGKILL after the collector stored it is sent again with the same bundle id, which
            // the collector drops: at most one such duplicate per kill, and none stored twice.
            assertTrue(deliveries - BUNDLES <= 2, "duplicate deliveries: " + (deliveries - BUNDLES));
        }
    }

    @Test
    void twoUploadersSharingAFolderNeverSendABundleTwice() throws Exception {
        Path folder = bundles(BUNDLES);
        try (LoopbackCollector collector = new LoopbackCollector(Mode.SLOW)) {
            collector.slowMillis(20);
            Process a = upload(folder, collector);
            Process b = upload(folder, collector);
            assertTrue(a.waitFor(120, TimeUnit.SECONDS) && b.waitFor(120, TimeUnit.SECONDS));
            // one may find a bundle the other is sending (exit 11, "pending"); a third run mops up
            Process c = upload(folder, collector);
            assertTrue(c.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, c.exitValue());
            assertEquals(BUNDLES, collector.requests().size(), "no bundle was sent twice");
            assertEquals(BUNDLES, collector.accepted().size());
        }
    }

    @Test
    void armedJvmShipsTheBundleOfAnEarlierCrashWithItsHsErr() throws Exception {
        Path folder = work.resolve("bundles");
        TestJvm.Result crashed = TestJvm.crashWithAgent(work, folder, List.of(), Map.of(), Crasher.class.getName(),
                "segv");
        assertTrue(crashed.exitCode() != 0, crashed.stderr());
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            List<String> command = new ArrayList<>(List.of(TestJvm.java(),
                    "-javaagent:" + TestJvm.JAR + "=dir=" + folder + ",url=" + collector.url("/bundles")));
            command.addAll(TestJvm.nativeAccessFlag());
            // the upload thread's first pass at once, not after the 3 s it leaves an application to start up
            command.addAll(List.of("-Dcrashcap.uploadDelayMillis=0", "-Dcrashcap.testlib=" + TestJvm.TESTLIB,
                    "-cp", TestJvm.TEST_CLASSES.toString(), AttachTarget.class.getName()));
            try (RunningJvm jvm = RunningJvm.start(work, command, Map.of())) {
                jvm.awaitOutput(AttachTarget.READY);
                Path bundle = bundleDirs(folder).get(0);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (Spool.stateOf(bundle) != SpoolState.SENT && System.nanoTime() < end) {
                    Thread.sleep(50);
                }
                jvm.send("exit");
                assertEquals(0, jvm.awaitExit(), jvm.stderr());
                assertEquals(1, collector.requests().size(), jvm.stderr());
                // the application's stderr is the application's: "crashcap: sent …" only with verbose (AgentpathIT)
                assertEquals("", jvm.stderr());
            }
            List<String> names = zipNames(collector.requests().get(0).body());
            assertTrue(names.containsAll(List.of("capture.txt", "hs_err.log", "manifest.json")), names.toString());
        }
        assertEquals(SpoolState.SENT, Spool.stateOf(bundleDirs(folder).get(0)));
    }

    /**
     * {@code crash-loop-limit=1} reaches the armed JVM's upload thread: of three bundles with one signature, one is
     * sent and the other two are kept in the folder, marked suppressed; {@code crashcap status} shows the option as it
     * shows the others. (Before the option existed the thread sent 5 per hour whatever was configured: all three.)
     */
    @Test
    void armedJvmsUploadThreadHonoursTheCrashLoopLimitAndKeepsTheRest() throws Exception {
        Path folder = bundles(3); // synthetic bundles of one signature, their processes gone: ready to send
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            List<String> command = TestJvm.uploadingTarget("dir=" + folder + ",url=" + collector.url("/bundles")
                    + ",crash-loop-limit=1");
            try (RunningJvm jvm = RunningJvm.start(work, command, Map.of())) {
                jvm.awaitOutput(AttachTarget.READY);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                // until each bundle is decided and said (the line comes just after the state is written)
                while (!(allFinal(folder) && jvm.stderr().lines().count() >= 2) && System.nanoTime() < end) {
                    Thread.sleep(50);
                }
                assertEquals(1, collector.requests().size(), "one bundle of the signature per hour: " + jvm.stderr());
                TestJvm.Result status = TestJvm.cli(work, "status", Long.toString(jvm.pid()));
                assertEquals(0, status.exitCode(), status.toString());
                assertTrue(status.stdout().contains("  option:        crash-loop-limit=1  (agent argument)\n"),
                        status.stdout());
                jvm.send("exit");
                assertEquals(0, jvm.awaitExit(), jvm.stderr());
                // no warning about the option; what is held back is said, as trouble always is (ShippingLoop)
                List<String> lines = jvm.stderr().lines().toList();
                assertEquals(2, lines.size(), jvm.stderr());
                assertTrue(lines.stream().allMatch(line -> line.startsWith("crashcap: suppressed ")
                        && line.contains("(crash loop, ")), jvm.stderr());
            }
        }
        List<SpoolState> states = new ArrayList<>();
        for (Path bundle : bundleDirs(folder)) {
            assertTrue(Files.isRegularFile(bundle.resolve("capture.txt")), bundle + " is kept");
            states.add(Spool.stateOf(bundle));
        }
        assertEquals(3, states.size(), "no bundle lost");
        assertEquals(1, states.stream().filter(SpoolState.SENT::equals).count(), states.toString());
        assertEquals(2, states.stream().filter(SpoolState.SUPPRESSED::equals).count(), states.toString());
    }

    /** Every bundle sent or suppressed: the upload thread has made up its mind about each. */
    private static boolean allFinal(Path folder) throws IOException {
        for (Path bundle : bundleDirs(folder)) {
            SpoolState state = Spool.stateOf(bundle);
            if (state != SpoolState.SENT && state != SpoolState.SUPPRESSED) return false;
        }
        return true;
    }

    private Path bundles(int count) throws IOException {
        Path folder = Files.createDirectories(work.resolve("bundles"));
        for (int i = 0; i < count; i++) {
            ShipBundles.bundle(folder, Samples.SEGV, i);
        }
        return folder;
    }

    private Process upload(Path folder, LoopbackCollector collector) throws IOException {
        return new ProcessBuilder(TestJvm.java(), "-jar", TestJvm.JAR.toString(), "upload", folder.toString(),
                "--url", collector.url("/bundles"), "--max-bundles", "1000",
                "--crash-loop-limit", "1000") // the synthetic bundles share one signature
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void awaitRequests(LoopbackCollector collector, int count, Process uploader) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (collector.requests().size() < count) {
            assertTrue(uploader.isAlive() && System.nanoTime() < end, "uploader ended early or is stuck");
            Thread.sleep(5);
        }
    }

    /** Every bundle is still there, complete, and sent or waiting to be: none lost, none marked failed. */
    private static void assertNoneLost(Path folder) throws IOException {
        List<Path> bundles = bundleDirs(folder);
        assertEquals(BUNDLES, bundles.size());
        Set<SpoolState> states = new HashSet<>();
        for (Path bundle : bundles) {
            assertTrue(Files.isRegularFile(bundle.resolve("capture.txt")));
            states.add(Spool.stateOf(bundle));
        }
        assertTrue(Set.of(SpoolState.NEW, SpoolState.PENDING, SpoolState.SENT).containsAll(states), states.toString());
    }

    private static List<Path> bundleDirs(Path folder) throws IOException {
        try (Stream<Path> children = Files.list(folder)) {
            return children.filter(p -> Files.isRegularFile(p.resolve("capture.txt"))).sorted().toList();
        }
    }

    private static List<String> zipNames(byte[] zip) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                names.add(entry.getName());
            }
        }
        return names;
    }
}
