package dev.crashcap.collector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.collector.LoopbackCollector.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The uploader against real HTTP servers on loopback, one behaviour each. */
class UploaderTest {
    @TempDir
    Path folder;

    private final List<String> log = new ArrayList<>();

    private Uploader uploader(LoopbackCollector collector, Duration timeout, RateLimiter limiter, DiskCap cap)
            throws Exception {
        Transport transport = new HttpCollector(collector.url("/bundles"), "s3cret-token", timeout);
        return new Uploader(TestBundles.spool(folder), TestBundles::finish, transport, new Backoff(1_000, 60_000),
                limiter, cap, log::add, System::currentTimeMillis);
    }

    private Uploader uploader(LoopbackCollector collector, Duration timeout) throws Exception {
        return uploader(collector, timeout, new RateLimiter(folder, 100, 3_600_000), null);
    }

    @Test
    void okSendsEachBundleExactlyOnceWithTokenAndId() throws Exception {
        Path one = TestBundles.bundle(folder, "crash-1", "sig-a");
        Path two = TestBundles.bundle(folder, "crash-2", "sig-b");
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            Uploader uploader = uploader(collector, Duration.ofSeconds(5));
            assertEquals(2, uploader.runOnce(false).sent());
            assertEquals(0, uploader.runOnce(true).sent(), "a sent bundle is never sent again");
            assertEquals(2, collector.requests().size());
            LoopbackCollector.Request request = collector.requests().get(0);
            assertEquals("Bearer s3cret-token", request.header("Authorization"));
            assertEquals("application/zip", request.header("Content-Type"));
            assertEquals("crash-1", request.header("Crashcap-Bundle-Id"));
            assertEquals("sig-a", request.header("Crashcap-Signature"));
            assertArrayEquals(Files.readAllBytes(one.resolve(Packer.NAME)), request.body());
        }
        assertEquals(SpoolState.SENT, Spool.stateOf(one));
        assertEquals(SpoolState.SENT, Spool.stateOf(two));
    }

    @Test
    void whatTheFinisherKeptForAPassIsLetGoAfterItEvenWhenABundleFails() throws Exception {
        TestBundles.bundle(folder, "crash-1", "sig-a");
        TestBundles.bundle(folder, "crash-2", "sig-b");
        List<String> calls = new ArrayList<>();
        Finisher finisher = new Finisher() {
            @Override
            public Shipment finish(Path bundle) throws Exception {
                calls.add("finish " + bundle.getFileName());
                if (bundle.endsWith("crash-2")) {
                    throw new java.io.IOException("No space left on device"); // passing trouble: tried next pass
                }
                return TestBundles.finish(bundle);
            }

            @Override
            public void endPass() {
                calls.add("end of pass");
            }
        };
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            Uploader uploader = new Uploader(TestBundles.spool(folder), finisher,
                    new HttpCollector(collector.url("/bundles"), null, Duration.ofSeconds(5)), new Backoff(1_000, 60_000),
                    new RateLimiter(folder, 100, 3_600_000), null, log::add, System::currentTimeMillis);
            Uploader.Pass pass = uploader.runOnce(true);
            assertEquals(1, pass.sent());
            assertEquals(1, pass.retrying());
            assertEquals(List.of("finish crash-1", "finish crash-2", "end of pass"), calls);
            calls.clear();
            uploader.dryRun(line -> { });
            assertEquals(List.of("finish crash-2", "end of pass"), calls, "a dry run is a pass too");
        }
    }

    @Test
    void clientErrorFailsPermanentlyWithTheReason() throws Exception {
        Path bundle = TestBundles.bundle(folder, "crash-1", "sig");
        try (LoopbackCollector collector = new LoopbackCollector(Mode.CLIENT_ERROR)) {
            Uploader uploader = uploader(collector, Duration.ofSeconds(5));
            assertEquals(1, uploader.runOnce(false).refused());
            uploader.runOnce(true);
            assertEquals(1, collector.requests().size(), "a refused bundle is not sent again");
        }
        SpoolRecord record = StateFile.read(bundle);
        assertEquals(SpoolState.FAILED, record.state());
        assertEquals("HTTP 400: bad bundle", record.reason());
        assertTrue(Files.isDirectory(bundle), "a refused bundle is kept");
    }

    @Test
    void serverErrorStaysPendingAndBacksOff() throws Exception {
        Path bundle = TestBundles.bundle(folder, "crash-1", "sig");
        try (LoopbackCollector collector = new LoopbackCollector(Mode.SERVER_ERROR)) {
            Uploader uploader = uploader(collector, Duration.ofSeconds(5));
            long before = System.currentTimeMillis();
            assertEquals(1, uploader.runOnce(false).retrying());
            SpoolRecord record = StateFile.read(bundle);
            assertEquals(SpoolState.PENDING, record.state());
            assertEquals(1, record.attempts());
            assertFalse(record.inFlight());
            assertTrue(record.nextAttemptMillis() >= before + 500, "backoff: at least half the base delay");
            assertEquals(1, uploader.runOnce(false).waiting(), "not retried before its time");
            assertEquals(1, collector.requests().size());

            collector.mode(Mode.OK);
            assertEquals(1, uploader.runOnce(true).sent(), "retried when asked, and sent");
        }
        assertEquals(2, StateFile.read(bundle).attempts());
        assertEquals(SpoolState.SENT, Spool.stateOf(bundle));
    }

    @Test
    void backoffGrowsExponentiallyWithJitter() {
        Backoff backoff = new Backoff(1_000, 60_000);
        for (int attempt = 1; attempt <= 10; attempt++) {
            long full = Math.min(60_000, 1_000L << (attempt - 1));
            long delay = backoff.delayMillis(attempt);
            assertTrue(delay >= full / 2 && delay <= full, attempt + ": " + delay);
        }
    }

    @Test
    void hangingCollectorTimesOutAndStaysPending() throws Exception {
        Path bundle = TestBundles.bundle(folder, "crash-1", "sig");
        try (LoopbackCollector collector = new LoopbackCollector(Mode.HANG)) {
            long start = System.nanoTime();
            assertEquals(1, uploader(collector, Duration.ofSeconds(1)).runOnce(false).retrying());
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "the timeout bounds the wait");
        }
        SpoolRecord record = StateFile.read(bundle);
        assertEquals(SpoolState.PENDING, record.state());
        assertTrue(record.reason().contains("Timeout"), record.reason());
    }

    @Test
    void droppedConnectionStaysPending() throws Exception {
        Path bundle = TestBundles.bundle(folder, "crash-1", "sig");
        try (LoopbackCollector collector = new LoopbackCollector(Mode.DROP)) {
            assertEquals(1, uploader(collector, Duration.ofSeconds(5)).runOnce(false).retrying());
        }
        SpoolRecord record = StateFile.read(bundle);
        assertEquals(SpoolState.PENDING, record.state());
        assertTrue(record.reason().startsWith("cannot reach 127.0.0.1"), record.reason());
    }

    @Test
    void slowCollectorWithinTheTimeoutIsSent() throws Exception {
        Path bundle = TestBundles.bundle(folder, "crash-1", "sig");
        try (LoopbackCollector collector = new LoopbackCollector(Mode.SLOW)) {
            collector.slowMillis(1_500);
            assertEquals(1, uploader(collector, Duration.ofSeconds(5)).runOnce(false).sent());
        }
        assertEquals(SpoolState.SENT, Spool.stateOf(bundle));
    }

    @Test
    void crashLoopIsRateLimitedAndTheCountTravels() throws Exception {
        for (int i = 0; i < 5; i++) {
            TestBundles.bundle(folder, "crash-" + i, "same-signature");
        }
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            RateLimiter limiter = new RateLimiter(folder, 2, 3_600_000);
            Uploader.Pass pass = uploader(collector, Duration.ofSeconds(5), limiter, null).runOnce(false);
            assertEquals(2, pass.sent());
            assertEquals(3, pass.suppressed());
            assertEquals(2, collector.requests().size());

            // A window later the next bundle of that signature is sent, and says how many were held back.
            TestBundles.bundle(folder, "crash-9", "same-signature");
            RateLimiter nextWindow = new RateLimiter(folder, 2, 1);
            Thread.sleep(5);
            assertEquals(1, uploader(collector, Duration.ofSeconds(5), nextWindow, null).runOnce(false).sent());
            assertEquals("3", collector.requests().get(2).header("Crashcap-Suppressed-Before"));
        }
        long suppressed = TestBundles.spool(folder).entries().stream()
                .filter(e -> e.record().state() == SpoolState.SUPPRESSED).count();
        assertEquals(3, suppressed, "suppressed bundles are kept and marked");
    }

    @Test
    void bundleLockedByAnotherUploaderIsLeftAlone() throws Exception {
        Path bundle = TestBundles.bundle(folder, "crash-1", "sig");
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK);
                BundleLock held = BundleLock.tryAcquire(bundle)) {
            assertNotNull(held);
            assertEquals(1, uploader(collector, Duration.ofSeconds(5)).runOnce(true).busy());
            assertEquals(0, collector.requests().size());
        }
        assertEquals(SpoolState.NEW, Spool.stateOf(bundle));
    }

    @Test
    void inFlightSendCutOffByACrashIsSentAgainWithTheSameId() throws Exception {
        Path bundle = TestBundles.bundle(folder, "crash-1", "sig");
        TestBundles.finish(bundle);
        StateFile.write(bundle, new SpoolRecord(SpoolState.PENDING, 1, 0, null, true, 1));
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            assertEquals(1, uploader(collector, Duration.ofSeconds(5)).runOnce(false).sent());
            assertEquals("crash-1", collector.requests().get(0).header("Crashcap-Bundle-Id"));
        }
        assertEquals(2, StateFile.read(bundle).attempts());
    }

    @Test
    void diskTroubleWhileFinishingIsPassingAndABadBundleIsRefused() throws Exception {
        Path sick = TestBundles.bundle(folder, "crash-1", "sig");
        Path broken = TestBundles.bundle(folder, "crash-2", "sig");
        Finisher finisher = dir -> {
            if (dir.equals(sick)) {
                throw new java.io.IOException("No space left on device");
            }
            throw new IllegalArgumentException("not a crashcap bundle");
        };
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            Uploader uploader = new Uploader(TestBundles.spool(folder), finisher,
                    new HttpCollector(collector.url("/b"), null, Duration.ofSeconds(5)), new Backoff(1_000, 60_000),
                    new RateLimiter(folder, 100, 3_600_000), null, log::add, System::currentTimeMillis);
            Uploader.Pass pass = uploader.runOnce(false);
            assertEquals(1, pass.retrying());
            assertEquals(1, pass.refused());
            assertEquals(0, collector.requests().size());
        }
        assertEquals(SpoolState.NEW, Spool.stateOf(sick), "tried again on the next pass");
        assertEquals(SpoolState.FAILED, Spool.stateOf(broken));
        assertEquals("cannot be finished: not a crashcap bundle", StateFile.read(broken).reason());
    }

    @Test
    void retriesOfOneBundleDoNotCountAsACrashLoop() throws Exception {
        Path bundle = TestBundles.bundle(folder, "crash-1", "sig");
        try (LoopbackCollector collector = new LoopbackCollector(Mode.SERVER_ERROR)) {
            Uploader uploader = uploader(collector, Duration.ofSeconds(5), new RateLimiter(folder, 1, 3_600_000), null);
            assertEquals(1, uploader.runOnce(true).retrying());
            assertEquals(1, uploader.runOnce(true).retrying());
            collector.mode(Mode.OK);
            assertEquals(1, uploader.runOnce(true).sent(), "the limit counts bundles, not attempts");
        }
        assertEquals(SpoolState.SENT, Spool.stateOf(bundle));
    }
}
