package dev.crashcap.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleLocatorTest {
    @TempDir
    Path temp;

    @Test
    void loadsABundleDirectory() throws Exception {
        Path dir = Samples.bundleDir(temp, "crash-20261124T104924Z-4242", Samples.bytes(Samples.SEGV));
        Bundle bundle = BundleLocator.load(dir);
        assertEquals(dir.toAbsolutePath().normalize(), bundle.directory());
        assertEquals(4242L, bundle.pid());
    }

    @Test
    void loadsTheCaptureFileItself() throws Exception {
        Path dir = Samples.bundleDir(temp, "crash-1", Samples.bytes(Samples.SEGV));
        Bundle bundle = BundleLocator.load(dir.resolve("capture.txt").toString());
        assertEquals(dir.toAbsolutePath().normalize(), bundle.directory());
    }

    @Test
    void noSuchFile() {
        Path missing = temp.resolve("nope");
        assertMessage("crashcap: no such file: " + missing, () -> BundleLocator.load(missing));
    }

    @Test
    void aDirectoryWithoutCapture() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("empty"));
        assertMessage("crashcap: not a crashcap bundle: " + dir + " (it has no capture.txt)",
                () -> BundleLocator.load(dir));
    }

    @Test
    void aFileThatIsNotACapture() throws Exception {
        Path file = Files.writeString(temp.resolve("notes.txt"), "hello\n");
        assertMessage("crashcap: not a crashcap bundle: " + file + " (the first line is not 'crashcap-capture 1')",
                () -> BundleLocator.load(file));
    }

    @Test
    void foldersListNewestFirstAndKeepTheBadOnes() throws Exception {
        Samples.bundleDir(temp, "a-segv", Samples.bytes(Samples.SEGV)); // 10:49:24
        Samples.bundleDir(temp, "b-abort", Samples.bytes(Samples.DOUBLE_FREE)); // 11:33:21
        Samples.bundleDir(temp, "c-cut", Samples.bytes(Samples.TRUNCATED)); // 14:20:04
        Path bad = Samples.bundleDir(temp, "d-bad", new byte[] {0, 1, 2, '\n'});
        Files.setLastModifiedTime(bad.resolve("capture.txt"), java.nio.file.attribute.FileTime.fromMillis(0));
        Files.createDirectories(temp.resolve("not-a-bundle"));
        Files.writeString(temp.resolve("stray.txt"), "x");
        List<BundleFolder.Entry> entries = BundleFolder.scan(temp);
        assertEquals(List.of("c-cut", "b-abort", "a-segv", "d-bad"),
                entries.stream().map(e -> e.path().getFileName().toString()).toList());
        assertTrue(entries.get(3).error().startsWith("not a crashcap bundle: "), entries.get(3).error());
    }

    @Test
    void aFolderThatIsNotThere() {
        assertMessage("crashcap: no such directory: " + temp.resolve("x"), () -> BundleFolder.scan(temp.resolve("x")));
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void assertMessage(String expected, Action action) {
        BundleException e = assertThrows(BundleException.class, action::run);
        assertEquals(expected, e.getMessage());
    }
}
