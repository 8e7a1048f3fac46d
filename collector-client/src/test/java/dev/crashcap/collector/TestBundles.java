package dev.crashcap.collector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Small bundle folders for tests, and a finisher that packs them with no knowledge of the bundle model. */
final class TestBundles {
    static final String CAPTURE = "capture.txt";

    private TestBundles() {
    }

    static Path bundle(Path folder, String name, String signature) throws IOException {
        Path dir = Files.createDirectories(folder.resolve(name));
        Files.writeString(dir.resolve(CAPTURE), "crashcap-capture\t1\nsignature\t" + signature + "\n");
        return dir;
    }

    static Spool spool(Path folder) {
        return new Spool(folder, dir -> Files.isRegularFile(dir.resolve(CAPTURE)), CAPTURE);
    }

    static Shipment finish(Path dir) throws IOException {
        String signature = Files.readAllLines(dir.resolve(CAPTURE), StandardCharsets.UTF_8).get(1).split("\t")[1];
        return new Shipment(dir.getFileName().toString(), signature, Packer.pack(dir), Map.of("Kind", "crash"),
                "{}".getBytes(StandardCharsets.UTF_8), List.of());
    }
}
