package dev.crashcap.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The top command, {@code crashcap}. It only chooses a subcommand. */
@Command(name = "crashcap",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = "Captures JVM hard crashes and shows what they left behind.",
        // group joins this list when it exists.
        subcommands = {AttachCommand.class, DumpCommand.class, InspectCommand.class, ListCommand.class,
                UploadCommand.class})
final class CrashcapCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: attach, dump, inspect, list or upload");
    }
}
