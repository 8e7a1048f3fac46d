package dev.crashcap.ship;

import dev.crashcap.bundle.BundleLocator;
import dev.crashcap.bundle.Samples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Bundle folders for shipping tests, made from the sample captures. */
public final class ShipBundles {
    /** Above Linux's largest pid (2^22): no such process exists, so a bundle with it is ready to finish. */
    public static final long GONE_PID = 9_000_000L;

    private ShipBundles() {
    }

    /**
     * A bundle {@code folder/crash-<n>} from {@code sample}, with the pid of a process that no longer exists and
     * a crash time made unique by {@code n}, so each has its own id; {@code extraArgs} are added to the command line.
     */
    public static Path bundle(Path folder, String sample, int n, String... extraArgs) throws IOException {
        String text = new String(Samples.bytes(sample), StandardCharsets.UTF_8)
                .replaceAll("process\\.pid\t\\d+", "process.pid\t" + GONE_PID)
                .replaceAll("signal\\.senderPid\t\\d+", "signal.senderPid\t" + GONE_PID) // abort(): the process itself
                .replaceAll("time\\.epochMillis\t\\d+", "time.epochMillis\t" + (1795517364000L + n));
        StringBuilder args = new StringBuilder();
        for (String arg : extraArgs) {
            args.append("arg\t").append(arg).append('\n');
        }
        text = text.replaceFirst("arg\tjava\n", "arg\tjava\n" + args);
        Path dir = Files.createDirectories(folder.resolve("crash-" + n));
        Files.writeString(dir.resolve(BundleLocator.CAPTURE_FILE), text, StandardCharsets.UTF_8);
        return dir;
    }
}
