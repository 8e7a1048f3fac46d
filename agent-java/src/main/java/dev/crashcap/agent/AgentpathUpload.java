package dev.crashcap.agent;

import java.nio.file.Path;

/**
 * The Java half of {@code -agentpath:libcrashcap.so}, loaded lazily: the native agent (agent-native/src/arming/
 * agentpath.c) arms the process without Java, and only when an upload target ({@code url=}, {@code sentry-dsn=}) is
 * configured does it append the crashcap.jar next to the library to the system class path and call {@link #start},
 * at VMInit, after arming. The options are parsed again here with the same rules (the native agent has printed
 * their warnings already), so the upload thread runs with exactly what {@code -javaagent} would give it.
 */
public final class AgentpathUpload {
    private AgentpathUpload() {}

    public static void start(String options, String bundleFolder) {
        BackgroundUpload.start(Path.of(bundleFolder), AgentOptions.parse(options, System.getProperties(),
                System.getenv()));
    }
}
