package dev.crashcap.cli;

import picocli.CommandLine.Parameters;

/** The {@code <pid>} of attach and dump: the running JVM they work on, always their first parameter. */
final class PidParameter {
    @Parameters(index = "0", paramLabel = "<pid>", description = "The process id of the JVM.")
    long pid;
}
