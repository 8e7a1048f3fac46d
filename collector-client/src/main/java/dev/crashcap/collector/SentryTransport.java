package dev.crashcap.collector;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Sentry's envelope API: {@code POST <host>/api/<project>/envelope/} with {@code X-Sentry-Auth}. The event id is
 * the bundle id as a UUID, so Sentry itself drops a second delivery of the same bundle.
 */
public final class SentryTransport implements Transport {
    static final String CLIENT = "crashcap/0.1";

    private final SentryDsn dsn;
    private final Duration timeout;
    private final HttpClient client;

    public SentryTransport(String dsn, Duration timeout) throws TargetException {
        this.dsn = SentryDsn.parse(dsn);
        this.timeout = timeout;
        this.client = Clients.forUri(this.dsn.envelopeUri(), timeout);
    }

    @Override
    public Outcome send(Shipment shipment) {
        if (shipment.sentryEvent() == null) {
            return Outcome.refused("no Sentry event could be built for this bundle");
        }
        try {
            byte[] envelope = envelope(shipment);
            HttpRequest request = HttpRequest.newBuilder(dsn.envelopeUri()).timeout(timeout)
                    .header("Content-Type", "application/x-sentry-envelope")
                    .header("X-Sentry-Auth", dsn.authHeader(CLIENT))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(envelope)).build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return Outcome.ofStatus(response.statusCode(), response.body());
        } catch (IOException e) {
            return Outcome.retry("cannot reach " + dsn.envelopeUri().getHost() + ": " + HttpCollector.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.retry("interrupted");
        }
    }

    /** The envelope for a shipment (public for tests and --dry-run). */
    public byte[] envelope(Shipment shipment) throws IOException {
        return SentryEnvelope.build(eventId(shipment.id()), dsn, shipment.sentryEvent(), shipment.packed(),
                shipment.attachments(), shipment.minidump());
    }

    @Override
    public List<String> describe(Shipment shipment) {
        List<String> lines = new ArrayList<>();
        lines.add("POST " + dsn.envelopeUri() + "  (Sentry envelope: event " + eventId(shipment.id())
                + ", attachments " + shipment.packed().getFileName()
                + shipment.attachments().stream().map(p -> ", " + p.getFileName()).reduce("", String::concat)
                + (shipment.minidump() != null ? ", " + shipment.minidump().getFileName() + " (event.minidump)" : "") + ")");
        lines.add("  X-Sentry-Auth: Sentry sentry_version=7, sentry_client=" + CLIENT + ", sentry_key=<key>");
        lines.add("  DSN: " + dsn.display());
        return lines;
    }

    /** Sentry event ids are 32 hex digits; derived from the bundle id so every retry carries the same one. */
    public static String eventId(String bundleId) {
        return java.util.UUID.nameUUIDFromBytes(bundleId.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString().replace("-", "");
    }
}
