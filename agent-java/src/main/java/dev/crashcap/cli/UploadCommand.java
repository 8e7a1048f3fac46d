package dev.crashcap.cli;

import dev.crashcap.bundle.BundleException;
import dev.crashcap.collector.DiskCap;
import dev.crashcap.collector.TargetException;
import dev.crashcap.collector.Uploader;
import dev.crashcap.ship.ShipTarget;
import dev.crashcap.ship.Shipping;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code crashcap upload [<folder>] (--url URL [--token T] | --sentry-dsn DSN) [--dry-run]}: one pass over the
 * spool, now: finishes new bundles and sends every pending one, whatever its backoff schedule says (a person
 * asked). Exit 0 when nothing is left to send, 3 when some bundles stay pending, 4 when the collector refused some.
 */
@Command(name = "upload", mixinStandardHelpOptions = true,
        description = "Finishes the bundles in a folder and sends those not sent yet to a collector.")
final class UploadCommand implements Callable<Integer> {
    static final int STILL_PENDING = 3;
    static final int REFUSED = 4;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "<folder>", arity = "0..1", defaultValue = ListCommand.DEFAULT_FOLDER,
            description = "The folder holding bundles (default: ./${DEFAULT-VALUE}).")
    String folder;

    @Option(names = "--url", defaultValue = "${env:CRASHCAP_URL}",
            description = "A plain HTTP collector (docs/ship.md); https://, or http:// to a loopback address. "
                    + "Default: $CRASHCAP_URL.")
    String url;

    @Option(names = "--token", defaultValue = "${env:CRASHCAP_TOKEN}",
            description = "Sent as 'Authorization: Bearer <token>'. Default: $CRASHCAP_TOKEN (better than the "
                    + "command line, which other users can see).")
    String token;

    @Option(names = "--sentry-dsn", defaultValue = "${env:CRASHCAP_SENTRY_DSN}",
            description = "Send to Sentry's envelope API instead. Default: $CRASHCAP_SENTRY_DSN.")
    String sentryDsn;

    @Option(names = "--dry-run", description = "Print what would be sent; send nothing, change no state.")
    boolean dryRun;

    @Option(names = "--timeout", defaultValue = "30", paramLabel = "<seconds>",
            description = "Per request: connect and answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--max-bundles", defaultValue = "100",
            description = "Disk cap: bundles kept in the folder (default: ${DEFAULT-VALUE}).")
    int maxBundles;

    @Option(names = "--max-mb", defaultValue = "512",
            description = "Disk cap: MiB kept in the folder (default: ${DEFAULT-VALUE}).")
    long maxMegabytes;

    @Option(names = "--crash-loop-limit", defaultValue = "" + Shipping.LOOP_LIMIT, paramLabel = "<n>",
            description = "Bundles with the same crash signature sent per hour; the rest are kept, marked "
                    + "suppressed and counted (default: ${DEFAULT-VALUE}).")
    int loopLimit;

    @Override
    public Integer call() throws BundleException, IOException {
        Path path = folderPath();
        PrintWriter out = spec.commandLine().getOut();
        Uploader uploader;
        try {
            ShipTarget target = new ShipTarget(blankToNull(url), blankToNull(token), blankToNull(sentryDsn),
                    Duration.ofSeconds(Math.max(1, timeoutSeconds)));
            uploader = Shipping.uploader(path, target, new DiskCap(maxBundles, maxMegabytes * 1024 * 1024),
                    Math.max(1, loopLimit), line -> {
                        out.println(line);
                        out.flush();
                    });
        } catch (TargetException e) {
            throw new BundleException(e.getMessage());
        }
        if (dryRun) {
            uploader.dryRun().forEach(out::println);
            return Main.OK;
        }
        Uploader.Pass pass = uploader.runOnce(true);
        out.println("sent " + pass.sent() + ", pending " + (pass.retrying() + pass.waiting() + pass.busy())
                + ", failed " + pass.refused() + ", suppressed " + pass.suppressed());
        if (pass.refused() > 0) {
            return REFUSED;
        }
        return pass.retrying() + pass.waiting() + pass.busy() > 0 ? STILL_PENDING : Main.OK;
    }

    private Path folderPath() throws BundleException {
        try {
            Path path = Path.of(folder);
            if (!Files.isDirectory(path)) {
                throw new BundleException("no such directory: " + folder);
            }
            return path;
        } catch (InvalidPathException e) {
            throw new BundleException("no such directory: " + folder);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
