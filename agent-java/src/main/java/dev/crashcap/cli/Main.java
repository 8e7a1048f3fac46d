package dev.crashcap.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * The jar's Main-Class: {@code java -jar crashcap.jar <command> …}. Exit codes: 0 success, 2 bad input (no such
 * file, not a bundle, unknown option), 1 an internal error. Errors are one line on stderr, never a stack trace.
 */
public final class Main {
    public static final int OK = 0;
    public static final int INTERNAL_ERROR = 1;
    public static final int BAD_INPUT = 2;

    private Main() {
    }

    public static void main(String[] args) {
        // UTF-8 whatever the locale: JSON consumers expect it, and paths and thread names may hold any text.
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8));
        System.exit(run(args, out, err));
    }

    /** Runs the CLI without exiting, so tests can run it in-process; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        try {
            Integer fast = DumpFastPath.run(args, out, err);
            return fast != null ? fast : commandLine(out, err).execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        OneLineErrors errors = new OneLineErrors();
        return new CommandLine(new CrashcapCommand())
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler(errors)
                .setExecutionExceptionHandler(errors);
    }
}
