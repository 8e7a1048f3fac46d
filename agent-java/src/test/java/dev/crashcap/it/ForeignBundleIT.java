package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crashcap.bundle.Samples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle folder of another user is not the CLI's to read (only root may act for the crashed process's user):
 * uid 65534 runs {@code crashcap inspect} on root's bundle, readable by all, and is refused with the reason.
 */
class ForeignBundleIT {
    private static final List<String> NOBODY = List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
            "--clear-groups");

    @TempDir
    Path work;

    @Test
    void anotherUsersBundleIsRefused() throws Exception {
        assumeTrue(isRoot() && Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs root and setpriv");
        assumeTrue(canRead(), "the build is not readable by uid 65534 (a private checkout)");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path bundle = Samples.bundleDir(Files.createDirectories(work.resolve("bundles")), "crash-20261124T104924Z-4242",
                Samples.bytes(Samples.SEGV));
        for (Path path : List.of(work.resolve("bundles"), bundle)) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(bundle.resolve("capture.txt"), PosixFilePermissions.fromString("rw-r--r--"));

        TestJvm.Result inspect = TestJvm.cli(work, NOBODY, List.of(), "inspect", bundle.toString());
        assertEquals(2, inspect.exitCode(), inspect.stdout() + inspect.stderr());
        assertEquals("crashcap: refused bundle " + bundle + ": it is owned by uid 0, not by the user running crashcap"
                + " (uid 65534)\n", inspect.stderr());
        TestJvm.Result asRoot = TestJvm.cli(work, "inspect", bundle.toString());
        assertEquals(0, asRoot.exitCode(), "root acts for any user: " + asRoot.stderr());
    }

    private static boolean canRead() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(NOBODY);
        command.addAll(List.of("/bin/sh", "-c", "test -x \"$0\" && test -r \"$1\"", TestJvm.java(),
                TestJvm.JAR.toString()));
        return new ProcessBuilder(command).start().waitFor() == 0;
    }

    private static boolean isRoot() {
        try {
            return Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t0");
        } catch (IOException e) {
            return false;
        }
    }
}
