package dev.crashcap.cli;

import dev.crashcap.attach.AttachException;
import dev.crashcap.attach.Attacher;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code crashcap attach <pid> [<options>]}: arms a running JVM, as -javaagent would have at start-up. */
@Command(name = "attach",
        description = {
            "Arms a running HotSpot JVM (Java 17 or newer) for crash capture: loads crashcap.jar into it as "
                    + "-javaagent:crashcap.jar=<options> would have at start-up.",
            "Run it as the JVM's user, or as root. Attaching to a JVM that is armed already changes nothing "
                    + "and says so.",
            "Java 21+ prints a warning about a dynamically loaded agent on the JVM's stderr, unless the JVM was "
                    + "started with -XX:+EnableDynamicAgentLoading."})
final class AttachCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    PidParameter target;

    @Parameters(index = "1", arity = "0..1", paramLabel = "<options>",
            description = "Agent options, written exactly as after -javaagent:crashcap.jar= (for example dir=/var/crash)."
                    + " A relative dir is relative to the JVM's working directory.")
    String options;

    @Mixin
    TimeoutOption timeout;

    @Override
    public Integer call() {
        try {
            Duration wait = timeout.duration(); // a bad --timeout is bad input, before anything else is looked at
            long pid = target.checked();
            Attacher.Outcome outcome = Attacher.attach(pid, OwnJar.path(), options, wait);
            String where = "crash bundles go to " + outcome.bundleFolder() + " (crashcap " + outcome.agentVersion() + ")";
            if (outcome.alreadyArmed()) {
                spec.commandLine().getOut().println("pid " + pid + " is already armed: " + where + "; nothing done"
                        + (options == null ? "" : ", the options given were not applied"));
            } else {
                spec.commandLine().getOut().println("armed pid " + pid + " (Java " + outcome.javaVersion() + "): " + where);
            }
            return ExitCode.OK.code();
        } catch (AttachException e) {
            spec.commandLine().getErr().println("crashcap: " + e.getMessage());
            return ExitCode.of(e.failure()).code();
        }
    }
}
