package dev.crashcap.cli;

import dev.crashcap.attach.AttachException;
import dev.crashcap.attach.AttachFailure;
import picocli.CommandLine.Parameters;

/** The {@code <pid>} of attach and dump: the running JVM they work on, always their first parameter. */
final class PidParameter {
    @Parameters(index = "0", paramLabel = "<pid>", description = "The process id of the JVM.")
    long pid;

    /** The pid, which must be a process id: 0 and negative numbers name process groups to kill(2), not a JVM. */
    long checked() throws AttachException {
        return checked(pid);
    }

    static long checked(long pid) throws AttachException {
        if (pid <= 0) {
            throw new AttachException(AttachFailure.BAD_INPUT, "not a process id: " + pid + " (a pid is 1 or more)");
        }
        return pid;
    }
}
