package dev.crashcap.cli;

import dev.crashcap.attach.AttachException;
import dev.crashcap.attach.AttachFailure;
import dev.crashcap.attach.Attacher;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code crashcap attach <pid> [<options>]}: arms a running JVM, as -javaagent would have at start-up. */
@Command(name = "attach", mixinStandardHelpOptions = true,
        description = {
            "Arms a running HotSpot JVM (Java 17 or newer) for crash capture: loads crashcap.jar into it as "
                    + "-javaagent:crashcap.jar=<options> would have at start-up.",
            "Run it as the JVM's user, or as root. Attaching to a JVM that is armed already changes nothing "
                    + "and says so.",
            "Java 21+ prints a warning about a dynamically loaded agent on the JVM's stderr, unless the JVM was "
                    + "started with -XX:+EnableDynamicAgentLoading."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            " 0:armed now, or armed already",
            " 1:internal error (a bug in crashcap)",
            " 2:bad input",
            " 3:no such process",
            " 4:not a JVM",
            " 5:not HotSpot, older than Java 17, or a runtime without java.instrument",
            " 6:attach disabled in the target (-XX:+DisableAttachMechanism and the like)",
            " 7:permission denied (another user's JVM, and not root)",
            " 8:timed out",
            " 9:the agent was loaded but could not arm (the message says why)"})
final class AttachCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<pid>", description = "The process id of the JVM.")
    long pid;

    @Parameters(index = "1", arity = "0..1", paramLabel = "<options>",
            description = "Agent options, written exactly as after -javaagent:crashcap.jar= (for example dir=/var/crash)."
                    + " A relative dir is relative to the JVM's working directory.")
    String options;

    @Option(names = "--timeout", paramLabel = "<seconds>", defaultValue = "10",
            description = "How long to wait for the JVM in all (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Override
    public Integer call() {
        try {
            if (!(timeoutSeconds > 0 && timeoutSeconds <= 3600)) {
                throw new AttachException(AttachFailure.BAD_INPUT, "--timeout must be between 0 and 3600 seconds");
            }
            Duration timeout = Duration.ofMillis(Math.round(timeoutSeconds * 1000));
            Attacher.Outcome outcome = Attacher.attach(pid, OwnJar.path(), options, timeout);
            String where = "crash bundles go to " + outcome.bundleFolder() + " (crashcap " + outcome.agentVersion() + ")";
            if (outcome.alreadyArmed()) {
                spec.commandLine().getOut().println("pid " + pid + " is already armed: " + where + "; nothing done"
                        + (options == null ? "" : ", the options given were not applied"));
            } else {
                spec.commandLine().getOut().println("armed pid " + pid + " (Java " + outcome.javaVersion() + "): " + where);
            }
            return Main.OK;
        } catch (AttachException e) {
            spec.commandLine().getErr().println("crashcap: " + e.getMessage());
            return e.failure().exitCode();
        }
    }
}
