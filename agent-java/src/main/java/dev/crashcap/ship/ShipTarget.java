package dev.crashcap.ship;

import dev.crashcap.collector.HttpCollector;
import dev.crashcap.collector.SentryTransport;
import dev.crashcap.collector.TargetException;
import dev.crashcap.collector.Transport;
import java.time.Duration;

/**
 * Where bundles go: a plain HTTP collector ({@code url}, optional {@code token}) or Sentry ({@code sentryDsn}),
 * exactly one of them. The same names in the CLI ({@code --url}), the agent options ({@code url=}) and the
 * environment ({@code CRASHCAP_URL}).
 */
public record ShipTarget(String url, String token, String sentryDsn, Duration timeout) {

    /** Per request (connect, then the answer): the agent's, and the default of {@code crashcap upload --timeout}. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 30;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);

    public boolean isConfigured() {
        return url != null || sentryDsn != null;
    }

    public boolean isSentry() {
        return sentryDsn != null;
    }

    public Transport transport() throws TargetException {
        if (url != null && sentryDsn != null) {
            throw new TargetException("give --url or --sentry-dsn, not both");
        }
        if (url == null && sentryDsn == null) {
            throw new TargetException("no target: give --url URL or --sentry-dsn DSN (or CRASHCAP_URL, CRASHCAP_SENTRY_DSN)");
        }
        if (token != null && sentryDsn != null) {
            throw new TargetException("--token is for --url; a Sentry DSN carries its own key");
        }
        return url != null ? new HttpCollector(url, token, timeout) : new SentryTransport(sentryDsn, timeout);
    }
}
