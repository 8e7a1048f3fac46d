package dev.crashcap.collector;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Sentry's envelope format: a JSON header line, then items, each a JSON item header line (type, length) and that
 * many bytes of payload followed by a newline. Here: the event, the packed bundle and the hs_err file as
 * attachments, and the bundle as a minidump ({@code attachment_type: event.minidump}, which Sentry's stackwalker
 * walks again with its symbol sources) when there is one.
 */
public final class SentryEnvelope {
    // Sentry's limit for one attachment is 100 MiB; an hs_err file is a few hundred KiB
    private static final long MAX_ATTACHMENT_BYTES = 100L * 1024 * 1024;
    private SentryEnvelope() {
    }

    public static byte[] build(String eventId, SentryDsn dsn, byte[] event, Path packed, Iterable<Path> attachments)
            throws IOException {
        return build(eventId, dsn, event, packed, attachments, null);
    }

    /** As above, with {@code minidump} (null for none) as the event's minidump. */
    public static byte[] build(String eventId, SentryDsn dsn, byte[] event, Path packed, Iterable<Path> attachments,
            Path minidump) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        line(out, "{\"event_id\":\"" + eventId + "\",\"sent_at\":\"" + Instant.now() + "\"}");
        item(out, "{\"type\":\"event\",\"length\":" + event.length + "}", event);
        attachment(out, packed, "application/zip");
        for (Path file : attachments) {
            attachment(out, file, "text/plain");
        }
        if (minidump != null) {
            byte[] payload = BundleFiles.read(minidump, MAX_ATTACHMENT_BYTES);
            item(out, "{\"type\":\"attachment\",\"length\":" + payload.length + ",\"filename\":"
                    + jsonString(minidump.getFileName().toString())
                    + ",\"content_type\":\"application/octet-stream\",\"attachment_type\":\"event.minidump\"}", payload);
        }
        return out.toByteArray();
    }

    private static void attachment(ByteArrayOutputStream out, Path file, String contentType) throws IOException {
        byte[] payload = BundleFiles.read(file, MAX_ATTACHMENT_BYTES); // never through a planted link
        String name = jsonString(file.getFileName().toString());
        item(out, "{\"type\":\"attachment\",\"length\":" + payload.length + ",\"filename\":" + name
                + ",\"content_type\":\"" + contentType + "\"}", payload);
    }

    private static void item(ByteArrayOutputStream out, String header, byte[] payload) throws IOException {
        line(out, header);
        out.write(payload);
        out.write('\n');
    }

    private static void line(ByteArrayOutputStream out, String json) throws IOException {
        out.write(json.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
    }

    static String jsonString(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }
}
