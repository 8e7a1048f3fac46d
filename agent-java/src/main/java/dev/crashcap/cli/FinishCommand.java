package dev.crashcap.cli;

import dev.crashcap.bundle.BundleException;
import dev.crashcap.bundle.BundleFolder;
import dev.crashcap.bundle.BundleLocator;
import dev.crashcap.ship.BundleFinisher;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code crashcap finish [<bundle>|<folder>]}: finishes a bundle, or every bundle in a folder, as the uploader does
 * before sending (hs_err.log, symbols.txt, manifest.json, bundle.zip: docs/ship.md), and sends nothing. It is the
 * one command besides upload that writes into bundles: inspect and list only read. A bundle still being written
 * (its process alive, hs_err maybe on its way) is left for later and the exit code says so.
 */
@Command(name = "finish",
        description = "Finishes a bundle, or every bundle in a folder, as upload does before sending: attaches the "
                + "hs_err file, keeps the native frames' names (symbols.txt), writes manifest.json and bundle.zip. "
                + "Sends nothing.")
final class FinishCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BundleFolderParameter folder; // a bundle directory is accepted too

    @picocli.CommandLine.Option(names = "--sentry-minidump",
            description = "Also write the bundle as a minidump (minidump.dmp), as upload --sentry-minidump does. "
                    + "Default, as for the agent: -Dcrashcap.sentry-minidump, else $CRASHCAP_SENTRY_MINIDUMP.")
    boolean sentryMinidump;

    @Override
    public Integer call() throws BundleException {
        Path path = folder.path();
        List<Path> bundles;
        if (BundleLocator.isBundleDirectory(path)) {
            bundles = List.of(path);
        } else if (Files.isDirectory(path)) {
            bundles = BundleFolder.scan(path).stream().map(BundleFolder.Entry::path).toList();
        } else {
            throw new BundleException("not a bundle or a folder of bundles: " + path);
        }
        PrintWriter out = spec.commandLine().getOut();
        int later = 0;
        BundleFinisher finisher = new BundleFinisher(false, sentryMinidump); // one for all: module files read once
        for (Path bundle : bundles) {
            BundleFinisher.Outcome outcome = finisher.finishLocked(bundle);
            String detail = outcome.detail() == null ? "" : "  (" + outcome.detail() + ")";
            out.println(outcome.label() + "  " + bundle + detail);
            later += outcome.finished() ? 0 : 1;
        }
        return (later > 0 ? ExitCode.STILL_PENDING : ExitCode.OK).code();
    }
}
