package dev.crashcap.cli;

import dev.crashcap.bundle.BundleException;
import dev.crashcap.bundle.BundleFolder;
import dev.crashcap.report.BundleJson;
import dev.crashcap.report.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code crashcap list [--group] [--json] [<folder>]}: the bundles in a folder, newest first, or by signature. */
@Command(name = "list",
        description = "Lists the bundles in a folder (crashes and live snapshots), newest first.")
final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array (docs/bundle-format.md) instead of a table.")
    boolean json;

    @Option(names = "--group", description = "One row per crash signature: count, first and last time, uptimes at "
            + "the crash (min, median) and the bundles.")
    boolean group;

    @Mixin
    BundleFolderParameter folder;

    @Override
    public Integer call() throws BundleException {
        if (group) {
            return grouped();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            // One element at a time, as Json.write would lay out the whole array, without holding it all.
            List<Map<String, Object>> array = BundleFolder.scan(folder.path(), ListCommand::jsonEntry);
            if (array.isEmpty()) {
                out.println("[]");
            } else {
                out.print('[');
                for (int i = 0; i < array.size(); i++) {
                    out.print("\n  " + Json.write(array.get(i), 1) + (i + 1 < array.size() ? "," : ""));
                }
                out.println("\n]");
            }
        } else {
            out.print(BundleTable.render(BundleFolder.scan(folder.path(), BundleTable::row)));
        }
        return ExitCode.OK.code();
    }

    /** {@code --group}: each bundle is added to its signature's group and let go (SignatureGroups). */
    private int grouped() throws BundleException {
        SignatureGroups groups = new SignatureGroups();
        BundleFolder.scan(folder.path(), groups::add);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? Json.write(groups.json()) + "\n" : groups.render());
        return ExitCode.OK.code();
    }

    private static Map<String, Object> jsonEntry(BundleFolder.Entry entry) {
        Map<String, Object> json = entry.bundle() != null ? BundleJson.listEntry(entry.bundle())
                : BundleJson.listError(entry.path().toString(), entry.error());
        json.put("state", BundleTable.state(entry.path())); // the spool state: docs/ship.md
        return json;
    }
}
