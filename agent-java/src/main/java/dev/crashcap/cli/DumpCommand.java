package dev.crashcap.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code crashcap dump <pid> [--out <folder>]}: a live snapshot bundle of every thread, the JVM running on. */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = {
            "Writes a snapshot bundle of a running HotSpot JVM (Java 17 or newer): every thread with its native and "
                    + "Java frames, Java thread states, the locks each thread holds and waits for, and deadlocks. "
                    + "Prints the bundle's path; read it with crashcap inspect. The JVM keeps running.",
            "A JVM that is not armed yet is armed first, as crashcap attach would (with --out as its bundle folder "
                    + "when given)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            " 0:the snapshot was written",
            " 1:internal error (a bug in crashcap)",
            " 2:bad input",
            " 3:no such process",
            " 4:not a JVM",
            " 5:not HotSpot, older than Java 17, or a runtime without java.instrument",
            " 6:attach disabled in the target (-XX:+DisableAttachMechanism and the like)",
            " 7:permission denied (another user's JVM, and not root)",
            " 8:timed out",
            " 9:the agent was loaded but could not arm (the message says why)",
            "10:the snapshot could not be written (the message says why)"})
final class DumpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<pid>", description = "The process id of the JVM.")
    long pid;

    @Option(names = "--out", paramLabel = "<folder>",
            description = "Where the bundle goes (created if need be; default: the folder the agent was armed with).")
    String out;

    @Option(names = "--timeout", paramLabel = "<seconds>", defaultValue = "10",
            description = "How long to wait for the JVM in all (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Override
    public Integer call() {
        return Dumping.run(pid, out, timeoutSeconds, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
