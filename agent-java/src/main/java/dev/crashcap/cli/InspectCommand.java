package dev.crashcap.cli;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.BundleException;
import dev.crashcap.bundle.BundleLocator;
import dev.crashcap.bundle.HsErrLocator;
import dev.crashcap.report.BundleJson;
import dev.crashcap.report.HumanReport;
import dev.crashcap.report.Json;
import dev.crashcap.ship.BundleFinisher;
import dev.crashcap.symbols.Symbolizer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code crashcap inspect [--json] <bundle>}: one bundle, as a report or as JSON. */
@Command(name = "inspect",
        description = "Shows one bundle: a crash (what happened, where) or a live snapshot from crashcap dump "
                + "(deadlocks first), and every thread's stack.")
final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the documented JSON (docs/bundle-format.md) instead.")
    boolean json;

    @Parameters(paramLabel = "<bundle>", description = "A bundle directory, or the capture.txt inside one.")
    String bundlePath;

    @Override
    public Integer call() throws BundleException {
        Bundle loaded = BundleLocator.load(bundlePath);
        if (loaded.directory() != null) {
            BundleFinisher.quietly(loaded.directory()); // hs_err, manifest.json, bundle.zip: docs/ship.md
        }
        Bundle bundle = Symbolizer.apply(loaded); // names and lines: symbols.txt, else the module files if here
        String hsErr = HsErrLocator.find(bundle);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(BundleJson.inspect(bundle, hsErr)));
        } else {
            out.print(HumanReport.render(bundle, hsErr));
        }
        return ExitCode.OK.code(); // a truncated bundle is shown, not refused: it holds what the crash left
    }
}
