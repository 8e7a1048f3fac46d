package dev.crashcap.cli;

import java.io.PrintWriter;

/**
 * {@code crashcap dump} without picocli, for its plain forms ({@code dump <pid> [--out <folder>] [--timeout <s>]}):
 * a dump is often taken of a JVM that is in trouble, by a script, and picocli's start-up is about 90 ms of a ~300 ms
 * command (measured: bench/DumpBench.java). Anything else (help, a bad argument) is left to picocli, which explains.
 */
final class DumpFastPath {
    private DumpFastPath() {}

    /** The exit code, or null when the arguments are not a plain dump. */
    static Integer run(String[] args, PrintWriter out, PrintWriter err) {
        if (args.length < 2 || !args[0].equals("dump")) return null;
        Long pid = null;
        String folder = null;
        double timeout = TimeoutOption.DEFAULT_SECONDS;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            boolean hasValue = i + 1 < args.length;
            if ((arg.equals("--out") || arg.equals("--timeout")) && !hasValue) {
                return null;
            } else if (arg.equals("--out") && folder == null) {
                folder = args[++i];
            } else if (arg.startsWith("--out=") && folder == null) {
                folder = arg.substring("--out=".length());
            } else if (arg.equals("--timeout") || arg.startsWith("--timeout=")) {
                Double seconds = number(arg.equals("--timeout") ? args[++i] : arg.substring("--timeout=".length()));
                if (seconds == null) return null;
                timeout = seconds;
            } else if (pid == null && arg.matches("[0-9]{1,18}")) {
                pid = Long.parseLong(arg);
            } else {
                return null;
            }
        }
        return pid == null ? null : Dumping.run(pid, folder, timeout, out, err);
    }

    private static Double number(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
