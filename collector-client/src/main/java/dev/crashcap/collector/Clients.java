package dev.crashcap.collector;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

/** The HTTP client of a transport. */
final class Clients {
    private Clients() {
    }

    /**
     * HTTP/2 where TLS negotiates it; HTTP/1.1 for plain http:// (loopback only), where the client would otherwise
     * offer an h2c upgrade on every new connection that no collector takes up.
     */
    static HttpClient forUri(URI uri, Duration connectTimeout) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(connectTimeout);
        if ("http".equalsIgnoreCase(uri.getScheme())) {
            builder.version(HttpClient.Version.HTTP_1_1);
        }
        return builder.build();
    }
}
