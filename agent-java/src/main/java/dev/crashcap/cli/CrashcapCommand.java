package dev.crashcap.cli;

import dev.crashcap.agent.AgentOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete.GenerateCompletion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The top command, {@code crashcap}, and the picocli command line built from it. It only chooses a subcommand.
 * {@code --help} and {@code --version} are inherited by every subcommand ({@code crashcap inspect --version});
 * {@code help [<command>]} and {@code generate-completion} (a bash and zsh completion script, README.md) are
 * picocli's own.
 */
@Command(name = CrashcapCommand.NAME,
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = "Captures JVM hard crashes and shows what they left behind.",
        subcommands = {AttachCommand.class, DumpCommand.class, StatusCommand.class, InspectCommand.class, ListCommand.class,
                FinishCommand.class, ExportCommand.class,
                UploadCommand.class, HelpCommand.class, GenerateCompletion.class})
final class CrashcapCommand implements Callable<Integer> {
    static final String NAME = "crashcap";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: attach, dump, status, inspect, list, finish, upload or export");
    }

    /** Parses {@code args}, runs the command they name and returns its exit code. */
    static int execute(String[] args, PrintWriter out, PrintWriter err, AgentOptions configuration) {
        OneLineErrors errors = new OneLineErrors();
        CommandLine commandLine = new CommandLine(new CrashcapCommand())
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler(errors)
                .setExecutionExceptionHandler(errors)
                .setDefaultValueProvider(new ConfiguredDefaults(configuration));
        listExitCodes(commandLine);
        return commandLine.execute(args);
    }

    /** Each command's help ends with the exit codes it can return, from the one table of them. */
    private static void listExitCodes(CommandLine command) {
        CommandSpec spec = command.getCommandSpec();
        spec.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCode.helpList(spec.name()));
        command.getSubcommands().values().forEach(CrashcapCommand::listExitCodes);
    }
}
