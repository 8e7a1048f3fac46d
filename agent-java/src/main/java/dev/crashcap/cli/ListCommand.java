package dev.crashcap.cli;

import dev.crashcap.bundle.BundleException;
import dev.crashcap.bundle.BundleFolder;
import dev.crashcap.collector.Spool;
import dev.crashcap.report.BundleJson;
import dev.crashcap.report.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code crashcap list [--json] [<folder>]}: the bundles in a folder, newest first. */
@Command(name = "list",
        description = "Lists the bundles in a folder (crashes and live snapshots), newest first.")
final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array (docs/bundle-format.md) instead of a table.")
    boolean json;

    @Mixin
    BundleFolderParameter folder;

    @Override
    public Integer call() throws BundleException {
        List<BundleFolder.Entry> entries = BundleFolder.scan(folder.path());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(jsonArray(entries)));
        } else {
            out.print(BundleTable.render(entries));
        }
        return ExitCode.OK.code();
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
