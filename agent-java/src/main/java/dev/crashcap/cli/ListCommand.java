package dev.crashcap.cli;

import dev.crashcap.bundle.BundleException;
import dev.crashcap.bundle.BundleFolder;
import dev.crashcap.collector.Spool;
import dev.crashcap.report.BundleJson;
import dev.crashcap.report.Json;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code crashcap list [--json] [<folder>]}: the bundles in a folder, newest first. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Lists the bundles in a folder (crashes and live snapshots), newest first.")
final class ListCommand implements Callable<Integer> {
    /** Where the agent writes bundles unless told otherwise. */
    static final String DEFAULT_FOLDER = "crashcap";

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array (docs/bundle-format.md) instead of a table.")
    boolean json;

    @Parameters(paramLabel = "<folder>", arity = "0..1", defaultValue = DEFAULT_FOLDER,
            description = "The folder holding bundles (default: ./${DEFAULT-VALUE}).")
    String folder;

    @Override
    public Integer call() throws BundleException {
        List<BundleFolder.Entry> entries = BundleFolder.scan(folderPath());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(jsonArray(entries)));
        } else {
            out.print(BundleTable.render(entries));
        }
        return Main.OK;
    }

    private Path folderPath() throws BundleException {
        try {
            return Path.of(folder);
        } catch (InvalidPathException e) {
            throw new BundleException("no such directory: " + folder);
        }
    }

    private static List<Object> jsonArray(List<BundleFolder.Entry> entries) {
        List<Object> array = new ArrayList<>();
        for (BundleFolder.Entry entry : entries) {
            Map<String, Object> json = entry.bundle() != null ? BundleJson.listEntry(entry.bundle())
                    : BundleJson.listError(entry.path().toString(), entry.error());
            json.put("state", Spool.stateOf(entry.path()).label()); // the spool state: docs/ship.md
            array.add(json);
        }
        return array;
    }
}
