package dev.crashcap.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.crashcap.report.BundleJson;
import dev.crashcap.report.Diagnosis;
import dev.crashcap.report.HumanReport;
import dev.crashcap.report.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The parser's promise: for any bytes it returns a bundle or throws BundleException, nothing else. And whatever
 * it returns, the diagnosis, the JSON and the report can be produced from it. The long runs (every cut-off
 * point, thousands of random mutations) are tagged {@code fuzz}: they run in {@code mvn verify}, not in
 * {@code mvn test}, which runs the same checks on a few fixed seeds and a stride of cut-off points.
 */
class CaptureFuzzTest {

    @ParameterizedTest
    @ValueSource(strings = {Samples.SEGV, Samples.DOUBLE_FREE, Samples.TRUNCATED, Samples.THREADS, Samples.CONTEXT})
    void cutOffPointsAtAStrideParseAsTruncated(String sample) {
        cutOffs(sample, 53); // a prime: the cuts do not keep falling at one place of lines of equal length
    }

    @Tag("fuzz")
    @ParameterizedTest
    @ValueSource(strings = {Samples.SEGV, Samples.DOUBLE_FREE, Samples.TRUNCATED, Samples.THREADS, Samples.CONTEXT})
    void everyCutOffPointParsesAsTruncated(String sample) {
        cutOffs(sample, 1);
    }

    /** The sample cut at 0, stride, 2 stride, ... and at its full length. */
    private static void cutOffs(String sample, int stride) {
        byte[] full = Samples.bytes(sample);
        int firstLineEnd = indexOf(full, (byte) '\n');
        List<Integer> lengths = new ArrayList<>();
        for (int length = 0; length < full.length; length += stride) {
            lengths.add(length);
        }
        lengths.add(full.length);
        for (int length : lengths) {
            byte[] cut = Arrays.copyOf(full, length);
            Bundle bundle = parseOrNull(cut, sample + " cut at " + length);
            if (length <= firstLineEnd) {
                assertEquals(null, bundle, "without a complete first line it is not a capture, at " + length);
                continue;
            }
            if (bundle == null) {
                fail(sample + " cut at " + length + " was refused");
            }
            boolean whole = length == full.length && !sample.equals(Samples.TRUNCATED);
            assertEquals(!whole, bundle.truncated(), sample + " cut at " + length);
            useEverything(bundle);
        }
    }

    /** The quick group (mvn test) runs these few fixed seeds, a few damaged captures each. */
    private static final long[] QUICK_SEEDS = {1, 2, 3};

    @ParameterizedTest
    @ValueSource(strings = {Samples.SEGV, Samples.DOUBLE_FREE, Samples.TRUNCATED, Samples.THREADS, Samples.CONTEXT})
    void byteFlipsOnFixedSeedsNeverThrowAnythingElse(String sample) {
        for (long seed : QUICK_SEEDS) {
            byteFlips(sample, seed, 10);
        }
    }

    @Tag("fuzz")
    @ParameterizedTest
    @ValueSource(strings = {Samples.SEGV, Samples.DOUBLE_FREE, Samples.TRUNCATED, Samples.THREADS, Samples.CONTEXT})
    void randomByteFlipsNeverThrowAnythingElse(String sample) {
        byteFlips(sample, sample.hashCode(), 3000);
    }

    @Test
    void randomBytesOnFixedSeedsAfterAValidFirstLineNeverThrow() {
        for (long seed : QUICK_SEEDS) {
            randomBytesAfterAValidFirstLine(seed + 100, 10);
        }
    }

    @Tag("fuzz")
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void randomBytesAfterAValidFirstLineNeverThrow(int seed) {
        randomBytesAfterAValidFirstLine(seed, 500);
    }

    private static void byteFlips(String sample, long seed, int rounds) {
        byte[] original = Samples.bytes(sample);
        Random random = new Random(seed);
        for (int round = 0; round < rounds; round++) {
            byte[] damaged = original.clone();
            int flips = 1 + random.nextInt(8);
            for (int i = 0; i < flips; i++) {
                int at = random.nextInt(damaged.length);
                damaged[at] = random.nextBoolean() ? (byte) random.nextInt(256) : interesting(random);
            }
            Bundle bundle = parseOrNull(damaged, sample + " seed " + seed + " round " + round);
            if (bundle != null) {
                useEverything(bundle);
            }
        }
    }

    private static void randomBytesAfterAValidFirstLine(long seed, int rounds) {
        Random random = new Random(seed);
        for (int round = 0; round < rounds; round++) {
            byte[] tail = new byte[random.nextInt(2000)];
            for (int i = 0; i < tail.length; i++) {
                tail[i] = random.nextInt(4) == 0 ? interesting(random) : (byte) random.nextInt(256);
            }
            byte[] head = "crashcap-capture\t1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] data = Arrays.copyOf(head, head.length + tail.length);
            System.arraycopy(tail, 0, data, head.length, tail.length);
            Bundle bundle = parseOrNull(data, "seed " + seed + " round " + round);
            assertTrue(bundle != null, "a valid first line makes a capture");
            useEverything(bundle);
        }
    }

    /** Bytes that matter to the format, so flips hit the structure and not only the text. */
    private static byte interesting(Random random) {
        byte[] bytes = {'\t', '\n', '\\', '0', 'x', '-', 0, (byte) 0xff, (byte) 0xc3};
        return bytes[random.nextInt(bytes.length)];
    }

    private static Bundle parseOrNull(byte[] data, String what) {
        try {
            return CaptureParser.parse(data, null, "fuzz");
        } catch (BundleException e) {
            assertTrue(e.getMessage().startsWith("crashcap: "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            return null;
        } catch (RuntimeException e) {
            throw new AssertionError(what + " threw " + e, e);
        }
    }

    /** Everything the CLI does with a bundle must work on whatever the parser returned. */
    private static void useEverything(Bundle bundle) {
        Diagnosis.of(bundle);
        JsonReader.read(Json.write(BundleJson.inspect(bundle, null)));
        JsonReader.read(Json.write(BundleJson.listEntry(bundle)));
        HumanReport.render(bundle, null);
        HsErrLocator.find(bundle, java.nio.file.Path.of("/nonexistent-tmp"));
    }

    private static int indexOf(byte[] data, byte wanted) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
