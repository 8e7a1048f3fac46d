package dev.crashcap.cli;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.BundleException;
import dev.crashcap.bundle.BundleLocator;
import dev.crashcap.bundle.HsErrLocator;
import dev.crashcap.report.BundleJson;
import dev.crashcap.report.Signature;
import dev.crashcap.report.SignatureHistory;
import dev.crashcap.report.HumanReport;
import dev.crashcap.report.Json;
import dev.crashcap.symbols.Symbolizer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code crashcap inspect [--json | --brief] <bundle>}: one bundle, as a report or as JSON. Reading never changes
 * the evidence: nothing is written into the bundle (finishing is {@code crashcap finish} or the uploader's), so
 * a bundle inspected on another machine, or by another user, stays as the crash left it.
 */
@Command(name = "inspect",
        description = "Shows one bundle: a crash (what happened, where) or a live snapshot from crashcap dump "
                + "(deadlocks first), and every thread's stack.")
final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the documented JSON (docs/bundle-format.md) instead.")
    boolean json;

    @Option(names = "--brief", description = "Only what happened, where, the suspect and the crashing thread's "
            + "frames: at most " + HumanReport.BRIEF_LINES + " lines, to paste into a ticket or a chat.")
    boolean brief;

    @Option(names = "--env", description = "Show every environment variable, not only those a JVM engineer needs "
            + "(JAVA_*, JDK_*, LD_*, MALLOC_*, LC_*, PATH, CLASSPATH, …) and the redacted ones.")
    boolean allEnvironment;

    @Option(names = "--debuginfod", description = "Also ask the debuginfod servers in $DEBUGINFOD_URLS for the debug "
            + "files of modules missing here (sends their build-ids; timeout $DEBUGINFOD_TIMEOUT s, default 10).")
    boolean debuginfod;

    @Parameters(paramLabel = "<bundle>", description = "A bundle directory, or the capture.txt inside one.")
    String bundlePath;

    @Override
    public Integer call() throws BundleException {
        if (json && brief) {
            throw new BundleException("--json and --brief cannot be used together");
        }
        Bundle captured = BundleLocator.load(bundlePath);
        String signature = Signature.of(captured); // from the capture's own names: the one list and upload give it
        Bundle bundle = Symbolizer.apply(captured, debuginfod); // symbols.txt, else the modules
        String hsErr = HsErrLocator.find(bundle);
        SignatureHistory history = SignatureHistory.of(captured, signature); // the siblings, read-only
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(BundleJson.inspect(bundle, hsErr, history)));
        } else if (brief) {
            out.print(HumanReport.brief(bundle, history));
        } else {
            out.print(HumanReport.render(bundle, hsErr, history, allEnvironment));
        }
        return ExitCode.OK.code(); // a truncated bundle is shown, not refused: it holds what the crash left
    }
}
