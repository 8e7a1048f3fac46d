package dev.crashcap.cli;

import dev.crashcap.bundle.BundleException;
import java.nio.file.AccessDeniedException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into exactly one line on stderr starting with {@code crashcap: }: people read the line,
 * scripts read the exit code, and a stack trace helps neither.
 */
final class OneLineErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        String hint = " (see: " + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help)";
        ex.getCommandLine().getErr().println("crashcap: " + firstLine(ex.getMessage()) + hint);
        return ExitCode.BAD_INPUT.code();
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        if (ex instanceof BundleException) {
            commandLine.getErr().println(ex.getMessage()); // already "crashcap: …", one line
            return ExitCode.BAD_INPUT.code();
        }
        if (ex instanceof AccessDeniedException denied) {
            // A folder or file the user may not read: their input, not a bug in crashcap.
            commandLine.getErr().println("crashcap: cannot read " + denied.getFile() + ": permission denied");
            return ExitCode.BAD_INPUT.code();
        }
        // A bug in crashcap, not in the input: still one line, with the exception's type to report it by.
        commandLine.getErr().println("crashcap: internal error: " + ex.getClass().getName() + ": "
                + firstLine(ex.getMessage()));
        return ExitCode.INTERNAL_ERROR.code();
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "no details";
        }
        return message.strip().lines().findFirst().orElse("no details");
    }
}
