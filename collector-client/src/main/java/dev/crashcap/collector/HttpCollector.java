package dev.crashcap.collector;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The plain HTTP collector (docs/ship.md): one {@code POST} of the packed bundle to the URL, with
 * {@code Authorization: Bearer <token>} and the metadata as {@code Crashcap-*} headers (values URL-encoded).
 */
public final class HttpCollector implements Transport {
    private final URI url;
    private final String token;
    private final Duration timeout;
    private final HttpClient client;

    public HttpCollector(String url, String token, Duration timeout) throws TargetException {
        this.url = Endpoint.check(url, "--url");
        if (this.url.getRawUserInfo() != null) {
            // Never dropped silently (the collector would answer 401 to every bundle) nor sent: refused, unprinted.
            throw new TargetException("--url carries a user name or password (user:password@host), which crashcap"
                    + " does not send; remove it and give --token, sent as 'Authorization: Bearer <token>'");
        }
        try {
            HttpRequest.newBuilder(this.url); // what the first send would find wrong, found before any bundle is touched
        } catch (IllegalArgumentException e) {
            throw new TargetException("--url cannot be used: " + e.getMessage());
        }
        this.token = token == null || token.isEmpty() ? null : token;
        if (this.token != null && !this.token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            // caught here, not at the first send, where it would fail every bundle
            throw new TargetException("--token may hold only printable ASCII without spaces");
        }
        this.timeout = timeout;
        this.client = Clients.forUri(this.url, timeout);
    }

    @Override
    public Outcome send(Shipment shipment) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
                    .header("Content-Type", "application/zip")
                    .POST(body(shipment.packed()));
            headers(shipment).forEach(request::header);
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return Outcome.ofStatus(response.statusCode(), response.body());
        } catch (IOException e) {
            return Outcome.retry("cannot reach " + url.getHost() + ": " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.retry("interrupted");
        } catch (IllegalArgumentException e) {
            return Outcome.refused("invalid request: " + e.getMessage());
        }
    }

    @Override
    public List<String> describe(Shipment shipment) {
        List<String> lines = new ArrayList<>();
        lines.add("POST " + url + "  (" + size(shipment) + " bytes, application/zip)");
        if (token != null) {
            lines.add("  Authorization: Bearer <token>");
        }
        headers(shipment).forEach((name, value) -> lines.add("  " + name + ": " + value));
        return lines;
    }

    /** The metadata as headers: {@code Crashcap-Bundle-Id}, {@code Crashcap-Signature}, {@code Crashcap-<Key>}. */
    static Map<String, String> headers(Shipment shipment) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("Crashcap-Bundle-Id", encode(shipment.id()));
        headers.put("Crashcap-Signature", encode(shipment.signature()));
        shipment.metadata().forEach((key, value) -> headers.put("Crashcap-" + key, encode(value)));
        return headers;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }

    /** The zip, opened without following a link (BundleFiles): ofFile would follow one planted in its place. */
    private static HttpRequest.BodyPublisher body(java.nio.file.Path zip) throws IOException {
        long size = Files.readAttributes(zip, java.nio.file.attribute.BasicFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS).size();
        BundleFiles.open(zip).close(); // fails now, as ofFile would, if it is a link or cannot be read
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                return BundleFiles.open(zip);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }), size);
    }

    private static long size(Shipment shipment) {
        try {
            return Files.readAttributes(shipment.packed(), java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS).size();
        } catch (IOException e) {
            return -1;
        }
    }

    static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : " " + message);
    }
}
