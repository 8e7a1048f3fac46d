package dev.crashcap.collector;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: after the n-th failed attempt wait base·2^(n-1), at most {@code max}, of which
 * a random half is taken off so that many hosts that failed together do not retry together.
 */
public record Backoff(long baseMillis, long maxMillis) {
    public static final Backoff DEFAULT = new Backoff(30_000, 6 * 3_600_000L);

    public long delayMillis(int attempts) {
        int shift = Math.max(0, Math.min(attempts - 1, 30));
        long full = Math.min(maxMillis, baseMillis << shift);
        return full / 2 + ThreadLocalRandom.current().nextLong(full / 2 + 1);
    }
}
