package dev.crashcap.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.crashcap.bundle.BundleLocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The test JNI library this build makes ({@code -O1 -g}), as the module of sample bundles: binutils give its
 * build-id and addresses, its source gives the lines.
 */
public final class BuiltLibrary {
    public static final Path LIBRARY = Path.of("target/native-build/libcrashcaptest.so").toAbsolutePath();
    public static final Path SOURCE = Path.of("../agent-native/testlib/crashcaptest.c").toAbsolutePath().normalize();
    private static final String SAMPLE_PATH = "/tmp/libcrashcaptest.so";
    private static final String SAMPLE_BUILD_ID = "3f1c9a0b7e6d5c4b3a2918f7e6d5c4b3a2918f7e";
    private static final String SAMPLE_TOP_FRAME = "0x7f3a2c1011a9\t" + SAMPLE_PATH + "\t0x11a9\t";
    private static final long SAMPLE_BASE = 0x7f3a2c100000L;

    private BuiltLibrary() {
    }

    /**
     * Makes a bundle from the segv or threads sample crash in the built library: its module is that file, with its
     * build-id, and the crashing frame is at {@code crashcaptest_write_null}.
     */
    public static void pointAt(Path bundle) throws Exception {
        Path capture = bundle.resolve(BundleLocator.CAPTURE_FILE);
        long offset = address("crashcaptest_write_null");
        String text = Files.readString(capture)
                .replace(SAMPLE_TOP_FRAME, "0x" + Long.toHexString(SAMPLE_BASE + offset) + "\t" + LIBRARY + "\t0x"
                        + Long.toHexString(offset) + "\t")
                .replace(SAMPLE_BUILD_ID, buildId())
                .replace(SAMPLE_PATH, LIBRARY.toString());
        Files.writeString(capture, text);
    }

    public static String buildId() throws Exception {
        return tool("readelf", "-n", LIBRARY.toString()).lines().filter(l -> l.contains("Build ID:"))
                .findFirst().orElseThrow().replaceAll(".*Build ID: *", "").trim();
    }

    public static long address(String function) throws Exception {
        return address(LIBRARY, function);
    }

    public static long address(Path file, String function) throws Exception {
        return Long.parseLong(tool("nm", "--defined-only", file.toString()).lines()
                .filter(line -> line.endsWith(" " + function)).findFirst().orElseThrow().split(" ")[0], 16);
    }

    /** The line of {@code source} that holds {@code text}, counted from 1. */
    public static int lineOf(Path source, String text) throws IOException {
        List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " is not in " + source);
    }

    public static int faultingLine() throws IOException {
        return lineOf(SOURCE, "*nowhere = value;");
    }

    public static String tool(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), out);
        return out;
    }
}
