package dev.crashcap.collector;

/**
 * The spool's facts about one bundle, kept in its {@code spool.state} file. {@code attempts} counts sends started;
 * {@code inFlight} is true from just before a send until its outcome is written, so a send cut off by a crash of
 * the uploader is known after a restart (it is sent again with the same bundle id, which the collector uses to
 * drop the duplicate). {@code nextAttemptMillis} is when a pending bundle may be tried again.
 */
public record SpoolRecord(SpoolState state, int attempts, long nextAttemptMillis, String reason, boolean inFlight,
        long changedMillis) {

    public static final SpoolRecord NEW = new SpoolRecord(SpoolState.NEW, 0, 0, null, false, 0);

    SpoolRecord pending(long now) {
        return new SpoolRecord(SpoolState.PENDING, attempts, nextAttemptMillis, reason, false, now);
    }

    SpoolRecord sending(long now) {
        return new SpoolRecord(SpoolState.PENDING, attempts + 1, nextAttemptMillis, reason, true, now);
    }

    SpoolRecord retryAt(long next, String why, long now) {
        return new SpoolRecord(SpoolState.PENDING, attempts, next, why, false, now);
    }

    SpoolRecord finalState(SpoolState state, String why, long now) {
        return new SpoolRecord(state, attempts, 0, why, false, now);
    }
}
