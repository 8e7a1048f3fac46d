package dev.crashcap.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code crashcap dump <pid> [--out <folder>]}: a live snapshot bundle of every thread, the JVM running on. */
@Command(name = "dump",
        description = {
            "Writes a snapshot bundle of a running HotSpot JVM (Java 17 or newer): every thread with its native and "
                    + "Java frames, Java thread states, the locks each thread holds and waits for, and deadlocks. "
                    + "Prints the bundle's path; read it with crashcap inspect. The JVM keeps running.",
            "A JVM that is not armed yet is armed first, as crashcap attach would (with --out as its bundle folder "
                    + "when given)."})
final class DumpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    PidParameter target;

    @Option(names = "--out", paramLabel = "<folder>",
            description = "Where the bundle goes (created if need be; default: the folder the agent was armed with).")
    String out;

    @Mixin
    TimeoutOption timeout;

    @Override
    public Integer call() {
        return Dumping.run(target.pid, out, timeout.seconds, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
