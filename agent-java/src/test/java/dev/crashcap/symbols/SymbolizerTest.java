package dev.crashcap.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.bundle.Samples;
import dev.crashcap.report.HumanReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Names from .symtab of a real module on disk: the test JNI library built by this build. Its function
 * {@code crashcaptest_recurse} also has a .symtab-only alias {@code crashcaptest_recurse.localalias} at the same
 * address: the global name must win. binutils (nm, readelf) give the expected values.
 */
class SymbolizerTest {
    private static final Path LIBRARY = Path.of("target/native-build/libcrashcaptest.so").toAbsolutePath();
    private static final String LOCAL = "crashcaptest_recurse.localalias";

    @Test
    void namesAFrameFromSymtabWhenTheBuildIdMatches() throws Exception {
        long address = Long.parseLong(tool("nm", "--defined-only", LIBRARY.toString()).lines()
                .filter(line -> line.endsWith(" " + LOCAL)).findFirst().orElseThrow().split(" ")[0], 16);
        String buildId = tool("readelf", "-n", LIBRARY.toString()).lines().filter(l -> l.contains("Build ID:"))
                .findFirst().orElseThrow().replaceAll(".*Build ID: *", "").trim();

        NativeFrame named = topFrame(Symbolizer.apply(Samples.namelessTopFrame(LIBRARY, buildId, address + 5)));
        assertEquals("crashcaptest_recurse", named.function());
        assertEquals(5L, named.functionOffset());

        Bundle otherBuild = Samples.namelessTopFrame(LIBRARY, "00" + buildId.substring(2), address + 5);
        assertSame(otherBuild, Symbolizer.apply(otherBuild), "another build's names are never used");
        assertNull(topFrame(Symbolizer.apply(Samples.namelessTopFrame(LIBRARY, buildId, 0x10))).function(), "no function covers the ELF header");
    }

    @Test
    void addsTheSourceLineOfTheFaultingInstructionAndShowsIt() throws Exception {
        long address = BuiltLibrary.address("crashcaptest_write_null");
        Bundle symbolized = Symbolizer.apply(Samples.namelessTopFrame(LIBRARY, BuiltLibrary.buildId(), address));
        NativeFrame top = topFrame(symbolized);
        assertEquals("crashcaptest_write_null", top.function());
        assertTrue(top.file().endsWith("/agent-native/testlib/crashcaptest.c"), top.file());
        assertEquals(BuiltLibrary.faultingLine(), top.line());
        String report = HumanReport.render(symbolized, null);
        assertTrue(report.contains(" in crashcaptest_write_null+0x0 (libcrashcaptest.so+0x" + Long.toHexString(address)
                + ") at crashcaptest.c:" + BuiltLibrary.faultingLine()), report);
    }

    private static NativeFrame topFrame(Bundle bundle) {
        return bundle.crashingThread().topNativeFrame();
    }

    private static String tool(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), out);
        return out;
    }
}
