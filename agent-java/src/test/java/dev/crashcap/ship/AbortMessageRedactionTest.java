package dev.crashcap.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.Samples;
import dev.crashcap.cli.Main;
import dev.crashcap.collector.Shipment;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signal handler writes glibc's abort message as it is (it cannot redact): a token in it is redacted by value
 * before the bundle is shown, packed or sent, in the capture itself too.
 */
class AbortMessageRedactionTest {
    private static final String TOKEN = "xoxb-123456789012-abcdefABCDEF";
    private static final String BEARER = "s3cr3t.b34r3r.t0k3n";

    @TempDir
    Path folder;

    @Test
    void aTokenInTheAbortMessageIsRedactedEverywhere() throws Exception {
        Path bundle = ShipBundles.bundle(folder, Samples.DOUBLE_FREE, 1);
        Path capture = bundle.resolve("capture.txt");
        Files.writeString(capture, Files.readString(capture).replace("free(): double free detected in tcache 2",
                "client.c:42: send: Assertion `token != \"" + TOKEN + "\"' failed; Authorization: Bearer " + BEARER));
        FileTime written = FileTime.fromMillis(1795517364000L);
        Files.setLastModifiedTime(capture, written);

        StringWriter json = new StringWriter();
        assertEquals(0, Main.run(new String[] {"inspect", "--json", bundle.toString()}, new PrintWriter(json),
                new PrintWriter(new StringWriter())));
        assertTrue(json.toString().contains("Assertion `token != \\\"xoxb-<redacted>\\\"' failed; Authorization: "
                + "Bearer <redacted>"), json.toString());

        Shipment shipment = new BundleFinisher(true).finish(bundle); // inspect finished it already: the same
        String text = Files.readString(capture);
        assertFalse(text.contains(TOKEN) || text.contains(BEARER), text);
        assertTrue(text.contains("abort.message\tclient.c:42: send: Assertion"), "the rest is kept");
        assertEquals(written, Files.getLastModifiedTime(capture), "the capture keeps its time");
        String event = new String(shipment.sentryEvent(), StandardCharsets.UTF_8);
        assertFalse(event.contains(TOKEN) || event.contains(BEARER), event);
        try (InputStream file = Files.newInputStream(shipment.packed()); ZipInputStream zip = new ZipInputStream(file)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                zip.transferTo(bytes);
                String content = bytes.toString(StandardCharsets.ISO_8859_1);
                assertFalse(content.contains(TOKEN) || content.contains(BEARER), entry.getName());
            }
        }
    }
}
