package dev.crashcap.collector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackerTest {
    @TempDir
    Path folder;

    @Test
    void packsTheBundleFilesReproduciblyWithoutSpoolFiles() throws Exception {
        Path dir = TestBundles.bundle(folder, "crash-1", "sig");
        Files.writeString(dir.resolve("hs_err.log"), "hs_err");
        Files.write(dir.resolve("stacks.bin"), new byte[] {1, 2, 3}); // raw stack memory stays on the machine
        StateFile.write(dir, SpoolRecord.NEW.pending(1));
        BundleLock.tryAcquire(dir).close();

        byte[] first = Files.readAllBytes(Packer.pack(dir));
        assertArrayEquals(first, Files.readAllBytes(Packer.pack(dir)), "packing twice changes nothing");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(Packer.NAME))));
        Files.delete(dir.resolve(Packer.NAME));
        Thread.sleep(10);
        assertArrayEquals(first, Files.readAllBytes(Packer.pack(dir)), "the same files give the same bytes");

        List<String> names = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(first))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                names.add(entry.getName());
            }
        }
        assertEquals(List.of("capture.txt", "hs_err.log"), names);
    }

    @Test
    void plainHttpOnlyToLoopback() throws Exception {
        assertEquals("127.0.0.1", Endpoint.check("http://127.0.0.1:8080/x", "--url").getHost());
        assertEquals("localhost", Endpoint.check("http://localhost/x", "--url").getHost());
        Endpoint.check("http://[::1]:80/x", "--url");
        Endpoint.check("https://collector.example.com/x", "--url");
        TargetException e = assertThrows(TargetException.class,
                () -> Endpoint.check("http://collector.example.com/x", "--url"));
        assertEquals("plain http:// is refused except to loopback addresses; use https:// for collector.example.com",
                e.getMessage());
        assertThrows(TargetException.class, () -> Endpoint.check("ftp://127.0.0.1/x", "--url"));
        assertThrows(TargetException.class, () -> Endpoint.check("http://127.0.0.1.evil.com/x", "--url"));
    }

    @Test
    void sentryDsnGivesTheEnvelopeEndpointAndHidesTheSecret() throws Exception {
        SentryDsn dsn = SentryDsn.parse("https://abc123:oldsecret@o1.ingest.sentry.io:8443/sub/42");
        assertEquals("https://o1.ingest.sentry.io:8443/sub/api/42/envelope/", dsn.envelopeUri().toString());
        assertEquals("abc123", dsn.publicKey());
        assertEquals("https://abc123@o1.ingest.sentry.io:8443/sub/42", dsn.display());
        assertEquals("Sentry sentry_version=7, sentry_client=c/1, sentry_key=abc123", dsn.authHeader("c/1"));
        assertThrows(TargetException.class, () -> SentryDsn.parse("https://o1.ingest.sentry.io/42"));
    }
}
