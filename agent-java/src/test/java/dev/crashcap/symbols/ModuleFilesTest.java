package dev.crashcap.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Module files read once for the bundles of a pass (a backlog names the same libjvm.so again and again), read only to
 * their build-id when the bundle wants another build, and read again when the file changed on disk. Real ELF files
 * of this build: the test JNI library and the agent's own library.
 */
class ModuleFilesTest {
    private static final Path LIBRARY = BuiltLibrary.LIBRARY;
    private static final Path OTHER_LIBRARY = Path.of("target/classes/native/linux-x86_64/libcrashcap.so").toAbsolutePath();

    @TempDir
    Path temporary;

    @Test
    void aFileOfAnotherBuildIsReadOnlyAsFarAsItsBuildId() throws Exception {
        String buildId = BuiltLibrary.buildId();
        ModuleFiles files = new ModuleFiles();

        ElfSymbols other = files.read(LIBRARY, otherBuild(buildId));
        assertEquals(buildId, other.buildId, "the build-id is read: it says the file is another build");
        assertTrue(other.headerOnly);
        assertFalse(other.hasFunctions(), "another build's symbol table is not parsed");
        assertSame(DwarfLines.NONE, other.lines);

        ElfSymbols own = files.read(LIBRARY, buildId);
        assertFalse(own.headerOnly, "a bundle of the file's own build gets it read in full");
        long write = BuiltLibrary.address("crashcaptest_write_null");
        assertEquals("crashcaptest_write_null", own.at(own.linkBase + write).name());
        assertNotNull(own.lines.at(own.linkBase + write));
    }

    @Test
    void aFileIsReadOnceForManyBundlesUntilItChangesOnDisk() throws Exception {
        Path module = Files.copy(LIBRARY, temporary.resolve("libmodule.so"));
        String buildId = BuiltLibrary.buildId();
        ModuleFiles files = new ModuleFiles();

        ElfSymbols first = files.read(module, buildId);
        assertSame(first, files.read(module, buildId), "the second bundle's look-up reads nothing");
        assertSame(first, files.read(module, otherBuild(buildId)), "a full read answers for other builds too");

        // an upgrade: another file is renamed into its place (new inode, size and time)
        Path upgrade = Files.copy(OTHER_LIBRARY, temporary.resolve(".upgrade"));
        Files.move(upgrade, module, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        ElfSymbols after = files.read(module, buildId);
        assertNotSame(first, after);
        assertNotEquals(buildId, after.buildId, "what is on disk now is read, not what was kept");
        assertTrue(after.headerOnly);

        Files.delete(module);
        assertNull(files.read(module, buildId), "a file gone is gone");
    }

    @Test
    void clearLetsEverythingGo() throws Exception {
        ModuleFiles files = new ModuleFiles();
        ElfSymbols first = files.read(LIBRARY, BuiltLibrary.buildId());
        files.clear();
        assertNotSame(first, files.read(LIBRARY, BuiltLibrary.buildId()));
    }

    @Test
    void symbolsFromSharedFilesAreThoseOfAFreshRead() throws Exception {
        long write = BuiltLibrary.address("crashcaptest_write_null");
        Bundle bundle = Samples.namelessTopFrame(LIBRARY, BuiltLibrary.buildId(), write);
        ModuleFiles shared = new ModuleFiles();
        var fresh = Symbolizer.fromModuleFiles(bundle);
        assertFalse(fresh.isEmpty());
        assertEquals(fresh, Symbolizer.fromModuleFiles(bundle, shared));
        assertEquals(fresh, Symbolizer.fromModuleFiles(bundle, shared), "the second bundle, from what was kept");

        assertEquals("crashcaptest_write_null",
                Symbolizer.apply(bundle, shared).crashingThread().topNativeFrame().function(), "and so names a report");

        Bundle otherBuild = Samples.namelessTopFrame(LIBRARY, otherBuild(BuiltLibrary.buildId()), write);
        assertTrue(Symbolizer.fromModuleFiles(otherBuild, shared).isEmpty(), "never another build's names");
        assertNull(Symbolizer.apply(otherBuild, shared).crashingThread().topNativeFrame().function());
    }

    private static String otherBuild(String buildId) {
        return (buildId.startsWith("00") ? "11" : "00") + buildId.substring(2);
    }
}
