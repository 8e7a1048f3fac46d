package dev.crashcap.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The crash-loop counts live in the bundle folder: a {@code .spool} link planted there is never written through. */
class PlantedSpoolLinkTest {
    @TempDir
    Path temp;

    @Test
    void aLinkedSpoolFolderIsNotWrittenThrough() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("bundles"));
        Path elsewhere = Files.createDirectories(temp.resolve("elsewhere"));
        Files.createSymbolicLink(folder.resolve(".spool"), elsewhere);
        RateLimiter limiter = new RateLimiter(folder, 5, 3_600_000);
        assertThrows(IOException.class, () -> limiter.admit("fault|SIGSEGV|f", 1_000));
        try (Stream<Path> files = Files.walk(elsewhere)) {
            assertEquals(List.of(elsewhere), files.toList(), "nothing written into the link's target");
        }
    }
}
