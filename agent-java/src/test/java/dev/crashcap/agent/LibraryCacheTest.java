package dev.crashcap.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The private folder libcrashcap.so is kept in: made right, reused when right, replaced or refused when not. */
class LibraryCacheTest {
    private static final byte[] LIBRARY = "\177ELF pretend library bytes".getBytes(StandardCharsets.ISO_8859_1);
    private static final String HASH = "00ab";
    private static final LibraryCache.Bytes JAR = () -> LIBRARY;

    @TempDir
    Path temp;
    Path folder;
    long uid;

    @BeforeEach
    void setUp() throws IOException {
        folder = temp.resolve("cache/crashcap");
        uid = CachedLibrary.ownUid();
    }

    @Test
    void writesTheLibraryUnderItsHashInAPrivateFolder() throws IOException {
        Path file = LibraryCache.ensure(folder, HASH, JAR, uid);
        assertEquals(folder.resolve("libcrashcap-00ab.so"), file);
        assertArrayEquals(LIBRARY, Files.readAllBytes(file));
        assertEquals("rwx------", mode(folder));
        assertEquals("r-x------", mode(file));
        try (var entries = Files.list(folder)) {
            assertEquals(List.of(file, folder.resolve("libcrashcap-00ab.so.verified")), entries.sorted().toList(),
                    "the library and its stamp, no temporary file left");
        }
    }

    @Test
    void reusesAFileThatPassesTheChecks() throws IOException {
        Path file = LibraryCache.ensure(folder, HASH, JAR, uid);
        Object inode = Files.readAttributes(file, "unix:ino").get("ino");
        assertEquals(file, LibraryCache.ensure(folder, HASH, JAR, uid));
        assertEquals(inode, Files.readAttributes(file, "unix:ino").get("ino"), "the same file, not written again");
    }

    @Test
    void replacesATamperedFile() throws IOException {
        Path file = LibraryCache.ensure(folder, HASH, JAR, uid);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        byte[] tampered = LIBRARY.clone();
        tampered[5] ^= 1;
        Files.write(file, tampered);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r-x------"));

        assertEquals(file, LibraryCache.ensure(folder, HASH, JAR, uid));
        assertArrayEquals(LIBRARY, Files.readAllBytes(file));
    }

    @Test
    void aStampedFileIsReusedWithoutReadingTheJarsCopy() throws IOException {
        Path file = LibraryCache.ensure(folder, HASH, JAR, uid);
        assertTrue(Files.isRegularFile(folder.resolve("libcrashcap-00ab.so.verified"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("rw-------", mode(folder.resolve("libcrashcap-00ab.so.verified")));
        assertEquals(file, LibraryCache.ensure(folder, HASH, () -> {
            throw new AssertionError("the jar's copy was read although the stamp matches the file");
        }, uid));
    }

    @Test
    void aFileChangedAfterItsStampIsComparedAndReplacedEvenWithItsTimeSetBack() throws IOException {
        Path file = LibraryCache.ensure(folder, HASH, JAR, uid);
        FileTime modified = Files.getLastModifiedTime(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        byte[] tampered = LIBRARY.clone();
        tampered[5] ^= 1;
        Files.write(file, tampered); // same size
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r-x------"));
        Files.setLastModifiedTime(file, modified); // the status-change time cannot be set back

        int[] reads = {0};
        assertEquals(file, LibraryCache.ensure(folder, HASH, () -> {
            reads[0]++;
            return LIBRARY;
        }, uid));
        assertEquals(1, reads[0], "compared with the jar's copy");
        assertArrayEquals(LIBRARY, Files.readAllBytes(file));
    }

    @Test
    void aStampThatIsALinkWritableByOthersOrForAnotherFileIsNotTrusted() throws IOException {
        LibraryCache.ensure(folder, HASH, JAR, uid);
        Path stamp = folder.resolve("libcrashcap-00ab.so.verified");
        String good = Files.readString(stamp);
        int[] reads = {0};
        LibraryCache.Bytes counting = () -> {
            reads[0]++;
            return LIBRARY;
        };

        Files.setPosixFilePermissions(stamp, PosixFilePermissions.fromString("rw-rw-rw-"));
        LibraryCache.ensure(folder, HASH, counting, uid);
        assertEquals(1, reads[0], "a stamp others may write is no proof");
        assertEquals("rw-------", mode(stamp), "written anew");

        Path elsewhere = Files.writeString(temp.resolve("elsewhere"), good);
        Files.delete(stamp);
        Files.createSymbolicLink(stamp, elsewhere);
        LibraryCache.ensure(folder, HASH, counting, uid);
        assertEquals(2, reads[0], "a link is no proof");
        assertTrue(Files.isRegularFile(stamp, LinkOption.NOFOLLOW_LINKS), "replaced by a file");

        Files.writeString(stamp, good.replace(" ", " 1"));
        LibraryCache.ensure(folder, HASH, counting, uid);
        assertEquals(3, reads[0], "a stamp of another file is no proof");
        assertEquals(good, Files.readString(stamp));
        LibraryCache.ensure(folder, HASH, counting, uid);
        assertEquals(3, reads[0], "the new stamp is");
    }

    @Test
    void replacesAFileOfTheWrongModeOrAPlantedLink() throws IOException {
        Path file = LibraryCache.ensure(folder, HASH, JAR, uid);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxrwxrwx"));
        LibraryCache.ensure(folder, HASH, JAR, uid);
        assertEquals("r-x------", mode(file), "re-created");

        Path elsewhere = Files.write(temp.resolve("elsewhere.so"), LIBRARY);
        Files.delete(file);
        Files.createSymbolicLink(file, elsewhere);
        LibraryCache.ensure(folder, HASH, JAR, uid);
        assertTrue(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS), "the link is replaced by a file");
        assertArrayEquals(LIBRARY, Files.readAllBytes(elsewhere), "the link's target is left alone");
    }

    @Test
    void narrowsTheModeOfItsOwnFolder() throws IOException {
        Files.createDirectories(folder);
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
        LibraryCache.ensure(folder, HASH, JAR, uid);
        assertEquals("rwx------", mode(folder));
    }

    @Test
    void refusesAFolderThatIsALinkOrNotOurs() throws IOException {
        Path real = Files.createDirectories(temp.resolve("real"));
        Files.createDirectories(folder.getParent());
        Files.createSymbolicLink(folder, real);
        assertThrows(IOException.class, () -> LibraryCache.ensure(folder, HASH, JAR, uid));
        assertThrows(IOException.class, () -> LibraryCache.ensure(real, HASH, JAR, uid + 1),
                "another user's folder (as a process of uid + 1 sees ours)");
        try (var entries = Files.list(real)) {
            assertEquals(0, entries.count(), "nothing written through the link");
        }
    }

    @Test
    void aFolderOfAnotherUserIsRefused() throws IOException {
        assumeTrue(uid == 0, "only root can give a folder away");
        Files.createDirectories(folder);
        Files.setAttribute(folder, "unix:uid", 65534);
        assertThrows(IOException.class, () -> LibraryCache.ensure(folder, HASH, JAR, uid));
    }

    @Test
    void candidateFolders() {
        Path bundles = Path.of("/work/app/crashcap");
        assertEquals(List.of(Path.of("/xdg/crashcap"), Path.of("/var/tmp/crashcap-1000"), bundles.resolve(".native")),
                CachedLibrary.candidates("/xdg", "/home/u", "/var/tmp", bundles, 1000));
        assertEquals(List.of(Path.of("/home/u/.cache/crashcap"), Path.of("/tmp/crashcap-7"),
                        bundles.resolve(".native")),
                CachedLibrary.candidates("relative", "/home/u", "/tmp", bundles, 7),
                "a relative XDG_CACHE_HOME is ignored, as the XDG specification says");
        assertEquals(List.of(Path.of("/tmp/crashcap-7"), bundles.resolve(".native")),
                CachedLibrary.candidates(null, "?", null, bundles, 7), "no usable home");
    }

    @Test
    void xdgCacheHomeIsReadAsSystemGetenvHasIt() {
        assertEquals(System.getenv("XDG_CACHE_HOME"), CachedLibrary.xdgCacheHome());
        assertEquals("/c/\u00e9", CachedLibrary.xdgCacheHome(environ("A=XDG_CACHE_HOME=/no\0XDG_CACHE_HOMES=/no\0XDG_CACHE_HOME=/c/\u00e9\0B=1\0")));
        assertEquals("/last", CachedLibrary.xdgCacheHome(environ("XDG_CACHE_HOME=/last")), "the last entry, unterminated");
        assertEquals(null, CachedLibrary.xdgCacheHome(environ("XDG_CACHE_HOME=\0HOME=/h\0")), "set but empty");
        assertEquals(null, CachedLibrary.xdgCacheHome(environ("")));
    }

    private static byte[] environ(String entries) {
        return entries.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theJarsHashNamesTheJarsLibrary() throws Exception {
        String resource = "/native/" + NativeLibrary.platform() + "/libcrashcap.so";
        byte[] library = LibraryCache.resource(resource);
        String hash = new String(LibraryCache.resource(resource + ".sha256"), StandardCharsets.US_ASCII).strip();
        StringBuilder hex = new StringBuilder();
        for (byte b : java.security.MessageDigest.getInstance("SHA-256").digest(library)) {
            hex.append(String.format("%02x", b));
        }
        assertEquals(hex.toString(), hash);
        assertEquals(hex.toString(), LibraryHash.SHA256, "the hash compiled into the agent names the library it carries");
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }
}
