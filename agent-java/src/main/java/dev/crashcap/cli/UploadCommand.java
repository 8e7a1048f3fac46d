package dev.crashcap.cli;

import dev.crashcap.agent.RuntimeModules;
import dev.crashcap.bundle.BundleException;
import dev.crashcap.collector.DiskCap;
import dev.crashcap.collector.TargetException;
import dev.crashcap.collector.Uploader;
import dev.crashcap.ship.ShipTarget;
import dev.crashcap.ship.Shipping;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code crashcap upload [<folder>] (--url URL [--token T] | --sentry-dsn DSN) [--dry-run]}: one pass over the
 * spool, now: finishes new bundles and sends every pending one, whatever its backoff schedule says (a person
 * asked). Exits {@link ExitCode#STILL_PENDING} when some bundles stay pending, {@link ExitCode#REFUSED} when the
 * collector refused some. The target and the disk cap default to the agent's configuration ({@link ConfiguredDefaults}).
 */
@Command(name = "upload",
        description = "Finishes the bundles in a folder and sends those not sent yet to a collector.")
final class UploadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BundleFolderParameter folder;

    @Option(names = "--url",
            description = "A plain HTTP collector (docs/ship.md); https://, or http:// to a loopback address. "
                    + "Default, as for the agent: -Dcrashcap.url, else $CRASHCAP_URL.")
    String url;

    @Option(names = "--token",
            description = "Sent as 'Authorization: Bearer <token>'. Default, as for the agent: -Dcrashcap.token, "
                    + "else $CRASHCAP_TOKEN (better than the command line, which other users can see).")
    String token;

    @Option(names = "--sentry-dsn",
            description = "Send to Sentry's envelope API instead. Default, as for the agent: -Dcrashcap.sentry-dsn, "
                    + "else $CRASHCAP_SENTRY_DSN.")
    String sentryDsn;

    @Option(names = "--sentry-minidump",
            description = "Finishing also writes the bundle as a minidump (minidump.dmp): inside the zip for --url, and "
                    + "for Sentry as the event's minidump too. Default, as for the agent: -Dcrashcap.sentry-minidump, "
                    + "else $CRASHCAP_SENTRY_MINIDUMP.")
    boolean sentryMinidump;

    @Option(names = "--dry-run", description = "Print what would be sent; send nothing, change no state.")
    boolean dryRun;

    @Option(names = "--timeout", defaultValue = "" + ShipTarget.DEFAULT_TIMEOUT_SECONDS, paramLabel = "<seconds>",
            description = "Per request: connect and answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Mixin
    DiskCapOptions diskCap;

    @Option(names = "--crash-loop-limit", defaultValue = "" + Shipping.LOOP_LIMIT, paramLabel = "<n>",
            description = "Bundles with the same crash signature sent per hour; the rest are kept, marked "
                    + "suppressed and counted (default: ${DEFAULT-VALUE}, from -Dcrashcap.crash-loop-limit or "
                    + "$CRASHCAP_CRASH_LOOP_LIMIT as for the agent, else " + Shipping.LOOP_LIMIT + ").")
    int loopLimit;

    @Override
    public Integer call() throws BundleException, IOException {
        if (!RuntimeModules.present(RuntimeModules.HTTP)) {
            // Said before anything is read or finished: nothing can be sent from this runtime.
            spec.commandLine().getErr().println("crashcap: " + RuntimeModules.missing(RuntimeModules.HTTP, "upload"));
            return ExitCode.MISSING_MODULE.code();
        }
        Path path = folder.directory();
        DiskCap cap = diskCap.diskCap();
        // Bad numbers are bad input, said before anything is touched (picocli has refused what is not a number).
        if (timeoutSeconds < 1) throw new BundleException("--timeout must be 1 second or more: " + timeoutSeconds);
        if (loopLimit < 1) throw new BundleException("--crash-loop-limit must be 1 or more: " + loopLimit);
        PrintWriter out = spec.commandLine().getOut();
        Uploader uploader;
        try {
            ShipTarget target = new ShipTarget(blankToNull(url), blankToNull(token), blankToNull(sentryDsn),
                    Duration.ofSeconds(timeoutSeconds));
            uploader = Shipping.uploader(path, target, cap, loopLimit, sentryMinidump, line -> {
                out.println(BundleTable.printable(line)); // paths and collector answers, as list shows them
                out.flush();
            });
        } catch (TargetException e) {
            throw new BundleException(e.getMessage());
        }
        Uploader.Pass pass;
        if (dryRun) {
            pass = uploader.dryRun(line -> out.println(BundleTable.printable(line)));
            out.println("would send " + pass.sent() + ", pending " + (pass.retrying() + pass.waiting() + pass.busy())
                    + ", failed " + pass.refused() + ", suppressed " + pass.suppressed());
        } else {
            pass = uploader.runOnce(true);
            out.println("sent " + pass.sent() + ", pending " + (pass.retrying() + pass.waiting() + pass.busy())
                    + ", failed " + pass.refused() + ", suppressed " + pass.suppressed());
        }
        if (pass.refused() > 0) { // a dry run exits as the real pass would
            return ExitCode.REFUSED.code();
        }
        return (pass.retrying() + pass.waiting() + pass.busy() > 0 ? ExitCode.STILL_PENDING : ExitCode.OK).code();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
