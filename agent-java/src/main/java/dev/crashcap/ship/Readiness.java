package dev.crashcap.ship;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.BundleLocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a bundle is done being written. HotSpot writes its hs_err file after crashcap's handler has finished the
 * capture, so a complete capture is not enough: the crashed process must be gone. A bundle qualifies when no
 * process with its pid exists on this host, or when its capture has not changed for {@value #SETTLE_MILLIS} ms
 * (the pid was reused, or the bundle came from another host).
 */
final class Readiness {
    static final long SETTLE_MILLIS = 60_000;

    private Readiness() {
    }

    static boolean isSettled(Bundle bundle, Path directory) throws IOException {
        Long pid = bundle.pid();
        if (pid != null && !Files.exists(Path.of("/proc/" + pid))) {
            return true;
        }
        long age = System.currentTimeMillis()
                - Files.getLastModifiedTime(directory.resolve(BundleLocator.CAPTURE_FILE)).toMillis();
        return age >= SETTLE_MILLIS;
    }
}
