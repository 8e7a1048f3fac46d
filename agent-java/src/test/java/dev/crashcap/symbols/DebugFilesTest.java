package dev.crashcap.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names and lines from a separate debug file, made from the test JNI library as distributions make theirs
 * (objcopy --only-keep-debug, then strip with a .gnu_debuglink): found through the link and by build-id, and
 * refused when its build-id is another's.
 */
class DebugFilesTest {
    @TempDir
    Path work;

    @Test
    void aStrippedModuleIsNamedFromItsDebugFileThroughTheLinkOrTheBuildId() throws Exception {
        Path lib = Files.createDirectories(work.resolve("lib"));
        Path module = lib.resolve("libx.so");
        Path debug = Files.createDirectories(lib.resolve(".debug")).resolve("libx.so.debug");
        Files.copy(BuiltLibrary.LIBRARY, module);
        BuiltLibrary.tool("objcopy", "--only-keep-debug", module.toString(), debug.toString());
        BuiltLibrary.tool("objcopy", "--strip-all", "--add-gnu-debuglink=" + debug, module.toString());
        long offset = BuiltLibrary.address("crashcaptest_write_null");
        Bundle bundle = Samples.namelessTopFrame(module, BuiltLibrary.buildId(), offset);
        Path root = work.resolve("usr-lib-debug");

        assertEquals(List.of(), DebugFiles.candidates(root, BuiltLibrary.buildId(), module.toString(), null),
                "without the link, nothing is where the build-id says");
        List<SymbolsFile.Entry> linked = Symbolizer.fromModuleFiles(bundle, root);
        assertEquals(1, linked.size(), linked.toString());
        assertEquals("crashcaptest_write_null", linked.get(0).function());
        assertTrue(linked.get(0).file().endsWith("crashcaptest.c"), linked.get(0).file());
        assertEquals(BuiltLibrary.faultingLine(), linked.get(0).line());

        String id = BuiltLibrary.buildId();
        Path byId = Files.createDirectories(root.resolve(".build-id").resolve(id.substring(0, 2)))
                .resolve(id.substring(2) + ".debug");
        Files.move(debug, byId);
        Files.delete(module); // gone from this machine: the build-id alone finds the debug file
        assertEquals(linked, Symbolizer.fromModuleFiles(bundle, root));

        Path other = work.resolve("other.so");
        Files.copy(BuiltLibrary.LIBRARY.resolveSibling("libcrashcapcpptest.so"), other);
        BuiltLibrary.tool("objcopy", "--only-keep-debug", other.toString(), byId.toString() + ".tmp");
        Files.move(Path.of(byId + ".tmp"), byId, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(List.of(), Symbolizer.fromModuleFiles(bundle, root), "another build's debug file is refused");
    }

    @Test
    void aLinkIsAFileNameNotAPath() {
        assertEquals(List.of(), DebugFiles.candidates(work, null, "/usr/lib/libx.so", "../../etc/passwd"));
    }
}
