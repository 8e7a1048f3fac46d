package dev.crashcap.report;

import dev.crashcap.bundle.Frame;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a stack into runs for the human report, so that a stack overflow's 21,844 identical frames print as one
 * line: a frame repeated at least {@value #MIN_REPEATS} times in a row (same function, {@link Recursion#key}), or a
 * cycle of two or three frames repeated that often (mutual recursion), becomes one run; every other frame is a run
 * of its own.
 */
final class FrameRuns {
    static final int MIN_REPEATS = 4;
    private static final int MAX_CYCLE = 3;

    /** Frames {@code first .. first + period * repeats - 1}: {@code period} frames, {@code repeats} times. */
    record Run(int first, int period, int repeats) {
        int last() {
            return first + period * repeats - 1;
        }

        boolean folded() {
            return repeats > 1;
        }
    }

    private FrameRuns() {
    }

    static List<Run> of(List<Frame> frames) {
        List<String> keys = frames.stream().map(Recursion::key).toList();
        List<Run> runs = new ArrayList<>();
        int i = 0;
        while (i < keys.size()) {
            Run run = longestRepeat(keys, i);
            runs.add(run);
            i += run.period() * run.repeats();
        }
        return runs;
    }

    /** The period (1 to 3) whose repetition from {@code start} covers the most frames; a single frame if none does. */
    private static Run longestRepeat(List<String> keys, int start) {
        Run best = new Run(start, 1, 1);
        for (int period = 1; period <= MAX_CYCLE; period++) {
            if (period > 1 && allSame(keys, start, period)) {
                continue; // a cycle of one function is period 1, found already
            }
            int repeats = repeats(keys, start, period);
            if (repeats >= MIN_REPEATS && period * repeats > best.period() * best.repeats()) {
                best = new Run(start, period, repeats);
            }
        }
        return best;
    }

    private static int repeats(List<String> keys, int start, int period) {
        int repeats = 1;
        while (start + (repeats + 1) * period <= keys.size() && sameBlock(keys, start, start + repeats * period, period)) {
            repeats++;
        }
        return repeats;
    }

    private static boolean sameBlock(List<String> keys, int a, int b, int length) {
        for (int k = 0; k < length; k++) {
            if (!keys.get(a + k).equals(keys.get(b + k))) {
                return false;
            }
        }
        return true;
    }

    private static boolean allSame(List<String> keys, int start, int length) {
        if (start + length > keys.size()) {
            return false;
        }
        for (int k = 1; k < length; k++) {
            if (!keys.get(start + k).equals(keys.get(start))) {
                return false;
            }
        }
        return true;
    }
}
