package dev.crashcap.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crashcap.bundle.Samples;
import dev.crashcap.cli.Main;
import dev.crashcap.collector.LoopbackCollector;
import dev.crashcap.collector.Shipment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user who can write into a bundle folder plants links and crafted captures; root's crashcap (these tests run as
 * root, and chown what the other user, uid 65534, would have made) must neither read nor ship a file that user could
 * not read, nor write through a link.
 */
class PlantedFilesTest {
    private static final int NOBODY = 65534;
    private static final String SECRET = "root-only-secret-0815";

    @TempDir
    Path temp;
    Path folder;
    Path secret;

    @BeforeEach
    void rootOnlyFile() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: files of another user are planted");
        folder = Files.createDirectories(temp.resolve("bundles"));
        // what a root-only file looks like, and an hs_err of the bundle's pid besides, so only ownership keeps it out
        secret = Files.writeString(temp.resolve("secret.txt"), "#  SIGSEGV (0xb) at pc=0x1, pid=" + ShipBundles.GONE_PID
                + ", tid=1\n" + SECRET + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Files.setLastModifiedTime(secret, FileTime.fromMillis(1795517364001L)); // right after the sample's crash
    }

    @Test
    void linksPlantedInABundleAreNeitherFollowedNorShipped() throws Exception {
        Path bundle = ShipBundles.bundle(folder, Samples.SEGV, 1);
        for (String name : List.of("hs_err.log", "symbols.txt", "manifest.json", "locks.txt")) {
            Files.createSymbolicLink(bundle.resolve(name), secret);
        }
        Shipment shipment = new BundleFinisher(true).finish(bundle);

        assertNoSecret(unzip(shipment.packed()));
        assertEquals(List.of(), shipment.attachments(), "no hs_err attached to the Sentry event");
        assertFalse(new String(shipment.sentryEvent(), StandardCharsets.UTF_8).contains(SECRET));
        assertTrue(Files.readString(secret).contains(SECRET), "the link's target is untouched");
        assertFalse(Files.isSymbolicLink(bundle.resolve("manifest.json")), "the manifest replaced the planted link");
    }

    @Test
    void aPlantedZipIsNotShippedAsTheBundle() throws Exception {
        Path bundle = ShipBundles.bundle(folder, Samples.SEGV, 1);
        Files.createSymbolicLink(bundle.resolve("bundle.zip"), secret);
        Shipment shipment = new BundleFinisher(false).finish(bundle);
        assertFalse(Files.isSymbolicLink(shipment.packed()));
        assertNoSecret(unzip(shipment.packed()));
    }

    @Test
    void aCraftedErrorFileOfAnotherUserIsNotCopied() throws Exception {
        // nobody's bundle names root's file as its hs_err, with the pid and time to match
        Path bundle = ShipBundles.bundle(folder, Samples.SEGV, 1, "-XX:ErrorFile=" + secret);
        chownTree(bundle, NOBODY);
        Shipment shipment = new BundleFinisher(false).finish(bundle);
        assertFalse(Files.exists(bundle.resolve("hs_err.log")));
        assertNoSecret(unzip(shipment.packed()));
        assertTrue(Files.readString(bundle.resolve("manifest.json")).contains("\"hsErrSource\": null"));
    }

    @Test
    void anHsErrThatDoesNotNameThePidIsNotCopied() throws Exception {
        Path other = Files.writeString(temp.resolve("other.log"), "#  SIGSEGV (0xb) at pc=0x1, pid=77, tid=78\n");
        Files.setLastModifiedTime(other, FileTime.fromMillis(1795517364001L));
        Path bundle = ShipBundles.bundle(folder, Samples.SEGV, 1, "-XX:ErrorFile=" + other);
        new BundleFinisher(false).finish(bundle);
        assertFalse(Files.exists(bundle.resolve("hs_err.log")), "another process's hs_err");
    }

    @Test
    void aLinkedBundleFolderIsRefusedByInspect() throws Exception {
        Path target = ShipBundles.bundle(Files.createDirectories(temp.resolve("elsewhere")), Samples.SEGV, 1);
        List<String> before = names(target);
        Path link = Files.createSymbolicLink(folder.resolve("crash-linked"), target);
        Run inspect = run("inspect", link.toString());
        assertEquals(2, inspect.code(), inspect.err());
        assertTrue(inspect.err().startsWith("crashcap: refused " + link + ": it is a symbolic link"),
                inspect.err());
        assertEquals(before, names(target), "not finished through the link");
    }

    @Test
    void aLinkedBundleFolderIsNotShippedNotWrittenIntoNotDeleted() throws Exception {
        Path target = ShipBundles.bundle(Files.createDirectories(temp.resolve("elsewhere")), Samples.SEGV, 1);
        List<String> before = names(target);
        Path link = Files.createSymbolicLink(folder.resolve("crash-linked"), target);
        try (LoopbackCollector collector = new LoopbackCollector(LoopbackCollector.Mode.OK)) {
            Run upload = run("upload", folder.toString(), "--url", collector.url("/bundles"), "--max-bundles", "0");
            assertEquals(0, upload.code(), upload.err());
            assertEquals(0, collector.requests().size(), "nothing shipped");
        }
        assertEquals(before, names(target), "nothing written into the link's target");
        assertTrue(Files.isSymbolicLink(link), "not deleted by the disk cap either");
    }

    @Test
    void aCaptureOfAnotherOwnerThanItsFolderIsRefused() throws Exception {
        Path bundle = ShipBundles.bundle(folder, Samples.SEGV, 1);
        Files.setAttribute(bundle.resolve("capture.txt"), "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
        Run inspect = run("inspect", bundle.toString());
        assertEquals(2, inspect.code(), inspect.err());
        assertTrue(inspect.err().contains("is owned by uid " + NOBODY + ", its folder by uid 0"), inspect.err());
    }

    @Test
    void aLinkedCaptureIsRefused() throws Exception {
        Path bundle = Files.createDirectories(folder.resolve("crash-2"));
        Path real = ShipBundles.bundle(temp.resolve("real"), Samples.SEGV, 2).resolve("capture.txt");
        Files.createSymbolicLink(bundle.resolve("capture.txt"), real);
        Run inspect = run("inspect", bundle.toString());
        assertEquals(2, inspect.code(), inspect.err());
        assertTrue(inspect.err().contains("it is a symbolic link"), inspect.err());
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private static void chownTree(Path directory, int uid) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.toList()) {
                Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> children = Files.list(directory)) {
            return children.map(child -> child.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertNoSecret(Map<String, String> zip) {
        zip.forEach((name, text) -> assertFalse(text.contains(SECRET), "bundle.zip:" + name + " holds the secret"));
    }

    private static Map<String, String> unzip(Path zip) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (InputStream file = Files.newInputStream(zip); ZipInputStream in = new ZipInputStream(file)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                in.transferTo(bytes);
                entries.put(entry.getName(), bytes.toString(StandardCharsets.ISO_8859_1));
            }
        }
        return entries;
    }
}
