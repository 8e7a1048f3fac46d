package dev.crashcap.collector;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One finished bundle, ready to go: {@code id} is stable for the bundle (the collector uses it to drop a
 * duplicate), {@code signature} groups crashes of the same kind (the crash-loop limit counts by it),
 * {@code packed} is the zip, {@code metadata} short facts sent alongside it, {@code sentryEvent} the Sentry event
 * JSON (null when the caller cannot build one), {@code attachments} further files for Sentry (the hs_err file), {@code minidump} the bundle as a minidump for Sentry's
 * own stackwalker (null when none was made).
 */
public record Shipment(String id, String signature, Path packed, Map<String, String> metadata, byte[] sentryEvent,
        List<Path> attachments, Path minidump) {

    /** A shipment without a minidump. */
    public Shipment(String id, String signature, Path packed, Map<String, String> metadata, byte[] sentryEvent,
            List<Path> attachments) {
        this(id, signature, packed, metadata, sentryEvent, attachments, null);
    }
}
