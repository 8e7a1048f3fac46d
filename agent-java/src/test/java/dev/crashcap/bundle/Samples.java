package dev.crashcap.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The hand-written sample captures in src/test/resources/captures, and small capture files built in tests. */
public final class Samples {
    public static final String SEGV = "segv.txt";
    public static final String DOUBLE_FREE = "abort-double-free.txt";
    public static final String TRUNCATED = "truncated.txt";
    /** Every thread, Java frames, a thread that did not answer and a second crashed thread (format sections 3-8). */
    public static final String THREADS = "threads.txt";
    /** segv.txt with the context sections of a real JDK 17 capture (crash-memory, vm, host). */
    public static final String CONTEXT = "context.txt";

    private Samples() {
    }

    public static byte[] bytes(String sample) {
        try (InputStream in = Samples.class.getResourceAsStream("/captures/" + sample)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + sample);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Bundle parse(String sample) throws BundleException {
        return CaptureParser.parse(bytes(sample), Path.of("/bundles/" + sample), sample);
    }

    /** A capture from lines written with '|' for TAB, each ended by a newline. */
    public static byte[] capture(String... lines) {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line.replace('|', '\t')).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A capture whose crashing thread's top frame is nameless, at {@code offset} in {@code module}. */
    public static Bundle namelessTopFrame(java.nio.file.Path module, String buildId, long offset) throws BundleException {
        long base = 0x7f0000000000L;
        return parseLines(
                "crashcap-capture|1",
                "section|header",
                "process.pid|1",
                "section|crash",
                "signal.number|11",
                "thread.tid|2",
                "section|thread",
                "tid|2",
                "crashed|1",
                "frame|native|0x" + Long.toHexString(base + offset) + "|" + module + "|0x" + Long.toHexString(offset)
                        + "||",
                "section|modules",
                "module|0x" + Long.toHexString(base) + "|0x10000|" + buildId + "|" + module);
    }

    public static Bundle parseLines(String... lines) throws BundleException {
        return CaptureParser.parse(capture(lines), null, "test capture");
    }

    /** Writes a bundle directory {@code parent/name} holding {@code capture} as capture.txt. */
    public static Path bundleDir(Path parent, String name, byte[] capture) throws IOException {
        Path dir = Files.createDirectories(parent.resolve(name));
        Files.write(dir.resolve(BundleLocator.CAPTURE_FILE), capture);
        return dir;
    }
}
