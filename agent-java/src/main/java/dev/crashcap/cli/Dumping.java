package dev.crashcap.cli;

import dev.crashcap.attach.AttachException;
import dev.crashcap.attach.AttachFailure;
import dev.crashcap.attach.Attacher;
import dev.crashcap.attach.Dumper;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@code crashcap dump} does once its arguments are read, shared by {@link DumpCommand} and {@link DumpFastPath}.
 * stdout gets the bundle path alone, for scripts; failures are one line on stderr and an {@link ExitCode}.
 */
final class Dumping {
    private Dumping() {}

    static int run(long pid, String out, double timeoutSeconds, PrintWriter stdout, PrintWriter stderr) {
        try {
            Duration timeout = TimeoutOption.duration(timeoutSeconds);
            PidParameter.checked(pid);
            Dumper.Outcome outcome = Dumper.dump(pid, OwnJar.path(), folder(out), timeout);
            if (outcome.armedNow()) {
                // That the JVM is armed from now on is worth a line, but not on stdout.
                Attacher.Outcome armed = outcome.armed();
                stderr.println("armed pid " + pid + " (Java " + armed.javaVersion() + "): crash bundles go to "
                        + armed.bundleFolder() + " (crashcap " + armed.agentVersion() + ")");
            }
            stdout.println(outcome.bundle());
            if (outcome.warning() != null) {
                // The bundle is written and has every stack; but "no deadlock" must not be read into missing locks.
                stderr.println("crashcap: the snapshot of pid " + pid + " has no locks: " + outcome.warning());
                // A missing module has its exit code (the agent's line then says how to add it); a failure of the
                // JVM's lock listing itself is rare and said, but the snapshot is what was asked for.
                if (outcome.warning().contains("--add-modules")) return ExitCode.MISSING_MODULE.code();
            }
            return ExitCode.OK.code();
        } catch (AttachException e) {
            stderr.println("crashcap: " + e.getMessage());
            return ExitCode.of(e.failure()).code();
        }
    }

    /** Relative to where the command runs (the JVM may run elsewhere); null for the agent's own folder. */
    private static Path folder(String out) throws AttachException {
        if (out == null) return null;
        try {
            return Path.of(out).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new AttachException(AttachFailure.BAD_INPUT, "--out is not a path: " + out);
        }
    }
}
