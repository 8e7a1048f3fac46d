package dev.crashcap.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.sentry.ILogger;
import io.sentry.JsonSerializer;
import io.sentry.SentryEvent;
import io.sentry.SentryLevel;
import io.sentry.SentryOptions;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Sentry's own deserializer, with everything it complains about at warning level or above collected. */
public final class SentryReader {
    /** Everything Sentry's deserializers complained about, at warning level or above. */
    public final List<String> complaints = new ArrayList<>();
    public final JsonSerializer serializer = new JsonSerializer(options());

    /** The event as Sentry's Java SDK reads it; fails the test if it cannot, or complains. */
    public SentryEvent event(byte[] json) {
        SentryEvent event = serializer.deserialize(
                new InputStreamReader(new ByteArrayInputStream(json), StandardCharsets.UTF_8), SentryEvent.class);
        assertNotNull(event, "Sentry's deserializer reads the event: " + complaints);
        assertEquals(List.of(), complaints);
        return event;
    }

    private SentryOptions options() {
        SentryOptions options = new SentryOptions();
        options.setDebug(true);
        options.setDiagnosticLevel(SentryLevel.WARNING);
        options.setLogger(new ILogger() {
            @Override
            public void log(SentryLevel level, String message, Object... args) {
                record(level, String.format(message, args));
            }

            @Override
            public void log(SentryLevel level, String message, Throwable throwable) {
                record(level, message + ": " + throwable);
            }

            @Override
            public void log(SentryLevel level, Throwable throwable, String message, Object... args) {
                record(level, String.format(message, args) + ": " + throwable);
            }

            @Override
            public boolean isEnabled(SentryLevel level) {
                return true;
            }
        });
        return options;
    }

    private void record(SentryLevel level, String message) {
        if (level.ordinal() >= SentryLevel.WARNING.ordinal()) {
            complaints.add(level + " " + message);
        }
    }
}
