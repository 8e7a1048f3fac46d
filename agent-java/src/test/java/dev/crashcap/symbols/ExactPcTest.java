package dev.crashcap.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.bundle.Samples;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Names from .symtab for exact pcs and for return addresses, as each frame of the capture says it is, in the test
 * library libtruthmodules.so (agent-native/testlib/truth_modules.c): {@code truth_tail_caller} ends with a call,
 * so its return address is the first byte of {@code truth_after_tail_caller}.
 */
class ExactPcTest {
    private static final Path LIBRARY = Path.of("target/native-build/libtruthmodules.so").toAbsolutePath();
    private static final long BASE = 0x7f0000000000L;

    @Test
    void aReturnAddressIsNamedAfterTheCallAndAnExactPcAfterItself() throws Exception {
        long tailCaller = BuiltLibrary.address(LIBRARY, "truth_tail_caller");
        long after = BuiltLibrary.address(LIBRARY, "truth_after_tail_caller");
        long writeNull = BuiltLibrary.address(LIBRARY, "truth_write_null");
        Bundle bundle = Symbolizer.apply(Samples.parseLines(
                "crashcap-capture|1",
                "section|thread",
                "tid|2",
                "crashed|0",
                frame(writeNull, true),  // a thread the service signal stopped right at a function's first byte
                frame(after, false),     // the return address of a call that ends its function
                "section|modules",
                "module|0x" + Long.toHexString(BASE) + "|0x10000|" + buildId() + "|" + LIBRARY));
        List<NativeFrame> frames = bundle.threads().get(0).frames().stream().map(NativeFrame.class::cast).toList();
        assertEquals("truth_write_null", frames.get(0).function());
        assertEquals(0L, frames.get(0).functionOffset());
        assertEquals("truth_tail_caller", frames.get(1).function());
        assertEquals(after - tailCaller, frames.get(1).functionOffset(), "the offset is still the pc's");

        List<SymbolsFile.Entry> found = Symbolizer.fromModuleFiles(bundle);
        Map<Boolean, String> byExactness = Map.of(found.get(0).exact(), found.get(0).function(),
                found.get(1).exact(), found.get(1).function());
        assertEquals(Map.of(true, "truth_write_null", false, "truth_tail_caller"), byExactness,
                "symbols.txt says which lookup each entry is");
    }

    private static String frame(long offset, boolean exact) {
        return "frame|native|0x" + Long.toHexString(BASE + offset) + "|" + LIBRARY + "|0x" + Long.toHexString(offset)
                + "|||" + (exact ? "1" : "0");
    }

    private static String buildId() throws Exception {
        return BuiltLibrary.tool("readelf", "-n", LIBRARY.toString()).lines().filter(l -> l.contains("Build ID:"))
                .findFirst().orElseThrow().replaceAll(".*Build ID: *", "").trim();
    }
}
