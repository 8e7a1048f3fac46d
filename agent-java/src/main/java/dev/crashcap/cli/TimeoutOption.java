package dev.crashcap.cli;

import dev.crashcap.attach.AttachException;
import dev.crashcap.attach.AttachFailure;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --timeout <seconds>} of attach and dump: how long to wait for the target JVM in all. {@link DumpFastPath}
 * reads the same option without picocli and checks it with {@link #duration(double)}.
 */
final class TimeoutOption {
    static final int DEFAULT_SECONDS = 10;
    private static final int MAX_SECONDS = 3600;

    @Option(names = "--timeout", paramLabel = "<seconds>", defaultValue = "" + DEFAULT_SECONDS,
            description = "How long to wait for the JVM in all (default: ${DEFAULT-VALUE}).")
    double seconds;

    Duration duration() throws AttachException {
        return duration(seconds);
    }

    static Duration duration(double seconds) throws AttachException {
        if (!(seconds > 0 && seconds <= MAX_SECONDS)) {
            throw new AttachException(AttachFailure.BAD_INPUT, "--timeout must be between 0 and " + MAX_SECONDS
                    + " seconds");
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}
