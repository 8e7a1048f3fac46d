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

        NativeFrame named = topFrame(Symbolizer.apply(bundle(buildId, address + 5)));
        assertEquals("crashcaptest_recurse", named.function());
        assertEquals(5L, named.functionOffset());

        Bundle otherBuild = bundle("00" + buildId.substring(2), address + 5);
        assertSame(otherBuild, Symbolizer.apply(otherBuild), "another build's names are never used");
        assertNull(topFrame(Symbolizer.apply(bundle(buildId, 0x10))).function(), "no function covers the ELF header");
    }

    @Test
    void addsTheSourceLineOfTheFaultingInstructionAndShowsIt() throws Exception {
        long address = BuiltLibrary.address("crashcaptest_write_null");
        Bundle symbolized = Symbolizer.apply(bundle(BuiltLibrary.buildId(), address));
        NativeFrame top = topFrame(symbolized);
        assertEquals("crashcaptest_write_null", top.function());
        assertTrue(top.file().endsWith("/agent-native/testlib/crashcaptest.c"), top.file());
        assertEquals(BuiltLibrary.faultingLine(), top.line());
        String report = HumanReport.render(symbolized, null);
        assertTrue(report.contains(" in crashcaptest_write_null+0x0 (libcrashcaptest.so+0x" + Long.toHexString(address)
                + ") at crashcaptest.c:" + BuiltLibrary.faultingLine()), report);
    }

    /** A capture whose crashing thread's top frame is nameless, at {@code offset} in the library. */
    private static Bundle bundle(String buildId, long offset) throws Exception {
        long base = 0x7f0000000000L;
        return Samples.parseLines(
                "crashcap-capture|1",
                "section|header",
                "process.pid|1",
                "section|crash",
                "signal.number|11",
                "thread.tid|2",
                "section|thread",
                "tid|2",
                "crashed|1",
                "frame|native|0x" + Long.toHexString(base + offset) + "|" + LIBRARY + "|0x" + Long.toHexString(offset)
                        + "||",
                "section|modules",
                "module|0x" + Long.toHexString(base) + "|0x10000|" + buildId + "|" + LIBRARY);
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
