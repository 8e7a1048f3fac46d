package dev.crashcap.attach;

import java.time.Duration;

/** One time limit for the whole attach: every wait takes what is left of it. */
final class Deadline {
    private final long endNanos;
    private final Duration total;

    Deadline(Duration total) {
        this.total = total;
        this.endNanos = System.nanoTime() + total.toNanos();
    }

    long remainingMillis() {
        return Math.max(0, (endNanos - System.nanoTime()) / 1_000_000);
    }

    boolean passed() {
        return System.nanoTime() - endNanos >= 0;
    }

    /** "10 s" or "0.5 s", for messages. */
    String total() {
        long millis = total.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + " s" : (millis / 1000.0) + " s";
    }
}
