package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.collector.LoopbackCollector;
import dev.crashcap.minidump.MinidumpReader;
import dev.crashcap.ship.SentryReader;
import dev.crashcap.testapp.Crasher;
import io.sentry.EnvelopeReader;
import io.sentry.SentryEnvelope;
import io.sentry.SentryEnvelopeItem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The minidump of a real crash travels with it when asked ({@code sentry-minidump=true}): to Sentry as the event's
 * minidump attachment ({@code attachment_type: event.minidump}, read back by the Sentry SDK's own EnvelopeReader), to a
 * plain HTTP collector as {@code minidump.dmp} inside the zip; and not at all when not asked.
 */
class MinidumpUploadIT {
    @TempDir
    Path work;

    @Test
    void theMinidumpGoesToSentryAsTheEventsMinidumpAndIntoTheZipOnlyWhenAsked() throws Exception {
        Path crashed = work.resolve("crashed");
        TestJvm.Result jvm = TestJvm.runWithAgentOptions(work, "dir=" + crashed, List.of(), Map.of(),
                Crasher.class.getName(), "segv");
        assertNotEquals(0, jvm.exitCode(), jvm.stderr());
        Path original = Inspect.onlyBundle(crashed);
        int threads = Inspect.objects(Inspect.json(work, original), "threads").size();
        Path toSentry = copy(original, work.resolve("sentry"));
        Path toHttp = copy(original, work.resolve("http"));
        Path plain = copy(original, work.resolve("plain"));

        try (LoopbackCollector collector = new LoopbackCollector(LoopbackCollector.Mode.OK)) {
            String dsn = collector.url("/42").replace("http://", "http://pubkey@");
            TestJvm.Result sentry = TestJvm.cli(work, "upload", toSentry.getParent().toString(), "--sentry-dsn", dsn,
                    "--sentry-minidump");
            assertEquals(0, sentry.exitCode(), sentry.toString());
            // the agent option's property, as a CLI started next to an armed JVM reads it
            TestJvm.Result http = TestJvm.cli(work, List.of(), List.of("-Dcrashcap.sentry-minidump=true"), "upload",
                    toHttp.getParent().toString(), "--url", collector.url("/bundles"));
            assertEquals(0, http.exitCode(), http.toString());
            TestJvm.Result without = TestJvm.cli(work, "upload", plain.getParent().toString(), "--sentry-dsn", dsn);
            assertEquals(0, without.exitCode(), without.toString());
            assertEquals(3, collector.requests().size());

            Map<String, SentryEnvelopeItem> items = items(collector.requests().get(0).body());
            SentryEnvelopeItem minidump = items.get("minidump.dmp");
            assertNotNull(minidump, items.keySet().toString());
            assertEquals("event.minidump", minidump.getHeader().getAttachmentType());
            assertArrayEquals(Files.readAllBytes(toSentry.resolve("minidump.dmp")), minidump.getData());
            assertEquals(threads, new MinidumpReader(minidump.getData()).threads.size());
            assertNotNull(items.get("event"), "the event still goes with it");

            byte[] zipped = zipEntry(collector.requests().get(1).body(), "minidump.dmp");
            assertNotNull(zipped, "minidump.dmp inside the zip for a plain HTTP collector");
            MinidumpReader fromZip = new MinidumpReader(zipped);
            assertEquals(threads, fromZip.threads.size());
            assertNull(zipEntry(collector.requests().get(1).body(), "stacks.bin"), "raw stack memory never travels as it is");

            assertNull(items(collector.requests().get(2).body()).get("minidump.dmp"), "not asked: no minidump");
            assertTrue(Files.notExists(plain.resolve("minidump.dmp")));
        }
        assertTrue(Files.readString(toSentry.resolve("manifest.json")).contains("\"minidump.dmp\""),
                "listed in the manifest");
    }

    private Map<String, SentryEnvelopeItem> items(byte[] body) throws IOException {
        SentryEnvelope envelope = new EnvelopeReader(new SentryReader().serializer).read(new ByteArrayInputStream(body));
        assertNotNull(envelope, "Sentry's EnvelopeReader reads it");
        Map<String, SentryEnvelopeItem> items = new HashMap<>();
        for (SentryEnvelopeItem item : envelope.getItems()) {
            String name = item.getHeader().getFileName();
            items.put(name != null ? name : "event", item);
        }
        return items;
    }

    private static byte[] zipEntry(byte[] zip, String name) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (entry.getName().equals(name)) {
                    return in.readAllBytes();
                }
            }
        }
        return null;
    }

    /** A copy of the bundle folder in a folder of its own; returns the copy. */
    private static Path copy(Path bundle, Path folder) throws IOException {
        Path target = Files.createDirectories(folder).resolve(bundle.getFileName());
        Files.createDirectory(target);
        try (Stream<Path> files = Files.list(bundle)) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        return target;
    }
}
