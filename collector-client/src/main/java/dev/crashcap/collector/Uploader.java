package dev.crashcap.collector;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Moves bundles through the spool: finishes new ones, sends pending ones whose time has come, and records each
 * outcome before touching the next bundle. Each bundle is handled under its {@link BundleLock}, and its state is
 * read again after the lock is taken, so uploaders in several JVMs never send one bundle twice at once. The
 * state is written (fsynced, renamed) before the send starts and after it ends, so a crash of the uploader
 * leaves every bundle pending or sent, never lost.
 */
public final class Uploader {
    /** What one pass did, bundle by bundle count. */
    public record Pass(int sent, int retrying, int refused, int suppressed, int waiting, int busy) {
        public boolean allDelivered() {
            return retrying == 0 && refused == 0 && waiting == 0 && busy == 0;
        }
    }

    private final Spool spool;
    private final Finisher finisher;
    private final Transport transport;
    private final Backoff backoff;
    private final RateLimiter limiter;
    private final DiskCap cap;
    private final Consumer<String> log;
    private final LongSupplier clock;

    public Uploader(Spool spool, Finisher finisher, Transport transport, Backoff backoff, RateLimiter limiter,
            DiskCap cap, Consumer<String> log, LongSupplier clock) {
        this.spool = spool;
        this.finisher = finisher;
        this.transport = transport;
        this.backoff = backoff;
        this.limiter = limiter;
        this.cap = cap;
        this.log = log;
        this.clock = clock;
    }

    /** One pass over the spool; {@code now} ignores the backoff schedule (a person asked for it). */
    public Pass runOnce(boolean now) throws IOException {
        int[] counts = new int[Result.values().length];
        try {
            for (Spool.Entry entry : spool.entries()) {
                if (!entry.record().state().isFinal()) {
                    counts[processSafely(entry.directory(), now).ordinal()]++;
                }
            }
        } finally {
            finisher.endPass();
        }
        if (cap != null) {
            cap.enforce(spool, log);
        }
        return new Pass(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
    }

    /** The earliest time a pending bundle may be tried again, or -1 if none is pending. */
    public long nextDueMillis() throws IOException {
        long next = -1;
        for (Spool.Entry entry : spool.entries()) {
            SpoolRecord record = entry.record();
            if (!record.state().isFinal()) {
                next = next < 0 ? record.nextAttemptMillis() : Math.min(next, record.nextAttemptMillis());
            }
        }
        return next;
    }

    /**
     * What a pass would send, without sending anything or changing any state, line by line to {@code out} (a spool
     * of thousands is never held in memory). The crash-loop limit is applied as the real pass would apply it (its
     * counts are read, not written), and the result counts as the real pass's would, but for what only the collector
     * can say: a bundle it would send counts as sent.
     */
    public Pass dryRun(Consumer<String> out) throws IOException {
        int[] counts = new int[Result.values().length];
        Map<String, Integer> admitted = new HashMap<>(); // per signature, in this dry pass
        long now = clock.getAsLong();
        try {
            dryRun(out, counts, admitted, now);
        } finally {
            finisher.endPass();
        }
        return new Pass(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
    }

    private void dryRun(Consumer<String> out, int[] counts, Map<String, Integer> admitted, long now) throws IOException {
        for (Spool.Entry entry : spool.entries()) {
            SpoolRecord record = entry.record();
            if (record.state().isFinal()) {
                continue;
            }
            out.accept(entry.directory() + "  (" + record.state().label() + ")");
            Result result;
            try {
                Shipment shipment = finisher.finish(entry.directory());
                if (shipment == null) {
                    out.accept("  not ready yet: its process may still be writing it");
                    result = Result.WAITING;
                } else if (record.attempts() == 0
                        && admitted.merge(shipment.signature(), 1, Integer::sum) > limiter.room(shipment.signature(), now)) {
                    out.accept("  would be suppressed: crash loop, signature " + shipment.signature());
                    result = Result.SUPPRESSED;
                } else {
                    transport.describe(shipment).forEach(line -> out.accept("  " + line));
                    result = Result.SENT;
                }
            } catch (IOException e) {
                out.accept("  would be tried again later: " + e.getMessage());
                result = Result.RETRYING;
            } catch (Exception e) {
                out.accept("  would be marked failed: cannot be finished: " + e.getMessage());
                result = Result.REFUSED;
            }
            counts[result.ordinal()]++;
        }
    }

    private enum Result { SENT, RETRYING, REFUSED, SUPPRESSED, WAITING, BUSY, DONE_ALREADY }

    /** One bundle's trouble with the disk (full, read-only) must not stop the others; it is tried next pass. */
    private Result processSafely(Path bundle, boolean ignoreSchedule) {
        try {
            return process(bundle, ignoreSchedule);
        } catch (IOException e) {
            log.accept("will retry " + bundle + " later (" + e + ")");
            return Result.RETRYING;
        }
    }

    private Result process(Path bundle, boolean ignoreSchedule) throws IOException {
        try (BundleLock lock = BundleLock.tryAcquire(bundle)) {
            if (lock == null) {
                return Result.BUSY; // another uploader has it
            }
            SpoolRecord record = StateFile.read(bundle);
            if (record.state().isFinal()) {
                return Result.DONE_ALREADY; // another uploader finished it since the listing
            }
            Shipment shipment;
            try {
                shipment = finisher.finish(bundle);
            } catch (IOException e) {
                throw e; // the disk, not the bundle: passing trouble
            } catch (Exception e) {
                return refuse(bundle, record, "cannot be finished: " + e.getMessage());
            }
            if (shipment == null) {
                return Result.WAITING;
            }
            if (!ignoreSchedule && record.nextAttemptMillis() > clock.getAsLong()) {
                return Result.WAITING;
            }
            // new → pending is written by the send itself (the in-flight record is pending): one write less
            return send(bundle, record, shipment);
        }
    }

    private Result send(Path bundle, SpoolRecord record, Shipment shipment) throws IOException {
        if (record.attempts() == 0) { // a retry, or a send cut off by a crash, was admitted the first time
            RateLimiter.Admission admission = limiter.admit(shipment.signature(), clock.getAsLong());
            if (!admission.allowed()) {
                StateFile.write(bundle, record.finalState(SpoolState.SUPPRESSED, "crash loop: signature "
                        + shipment.signature() + " held back " + admission.suppressedTotal() + " times",
                        clock.getAsLong()));
                log.accept("suppressed " + bundle + " (crash loop, " + admission.suppressedTotal() + " held back)");
                return Result.SUPPRESSED;
            }
            if (admission.suppressedBefore() > 0) {
                shipment = withMetadata(shipment, "Suppressed-Before", Long.toString(admission.suppressedBefore()));
            }
        }
        SpoolRecord sending = record.sending(clock.getAsLong());
        StateFile.write(bundle, sending);
        Outcome outcome = transport.send(shipment);
        long now = clock.getAsLong();
        switch (outcome.kind()) {
            case SENT -> {
                StateFile.write(bundle, sending.finalState(SpoolState.SENT, outcome.reason(), now));
                log.accept("sent " + bundle + " (" + outcome.reason() + ")");
                return Result.SENT;
            }
            case REFUSED -> {
                return refuse(bundle, sending, outcome.reason());
            }
            default -> {
                long next = now + backoff.delayMillis(sending.attempts());
                StateFile.write(bundle, sending.retryAt(next, outcome.reason(), now));
                log.accept("will retry " + bundle + " in " + (next - now) / 1000 + " s (" + outcome.reason() + ")");
                return Result.RETRYING;
            }
        }
    }

    private Result refuse(Path bundle, SpoolRecord record, String reason) throws IOException {
        StateFile.write(bundle, record.finalState(SpoolState.FAILED, reason, clock.getAsLong()));
        log.accept("failed permanently " + bundle + " (" + reason + ")");
        return Result.REFUSED;
    }

    private static Shipment withMetadata(Shipment shipment, String key, String value) {
        Map<String, String> metadata = new LinkedHashMap<>(shipment.metadata());
        metadata.put(key, value);
        return new Shipment(shipment.id(), shipment.signature(), shipment.packed(), metadata, shipment.sentryEvent(),
                shipment.attachments(), shipment.minidump());
    }
}
