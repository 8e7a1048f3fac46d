package dev.crashcap.cli;

import dev.crashcap.agent.AgentOptions;
import dev.crashcap.agent.RuntimeModules;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/**
 * The jar's Main-Class: {@code java -jar crashcap.jar <command> …}. Exit codes: {@link ExitCode}. Errors are one line
 * on stderr, never a stack trace. No picocli type appears here, so that the plain forms of {@code dump}
 * ({@link DumpFastPath}) run without loading any of it (CliIT checks).
 */
public final class Main {

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
        return run(args, out, err, System.getProperties(), System.getenv());
    }

    /** With the system properties and environment the options shared with the agent default to (tests). */
    static int run(String[] args, PrintWriter out, PrintWriter err, Properties properties, Map<String, String> environment) {
        try {
            Integer fast = DumpFastPath.run(args, out, err);
            if (fast != null) return fast;
            AgentOptions configuration = AgentOptions.parse(null, properties, environment);
            return CrashcapCommand.execute(args, out, err, configuration);
        } catch (NoClassDefFoundError e) {
            // A runtime made by jlink without a module a command needs (inspect --debuginfod and java.net.http, for
            // one): one line naming the module, not a stack trace. Commands check first where they can (upload).
            String module = RuntimeModules.of(e);
            if (module == null) throw e;
            err.println("crashcap: " + RuntimeModules.missing(module, args.length == 0 ? "this" : args[0]));
            return ExitCode.MISSING_MODULE.code();
        } finally {
            out.flush();
            err.flush();
        }
    }
}
