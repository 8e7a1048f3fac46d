package dev.crashcap.attach;

import dev.crashcap.bundle.CaptureLine;
import java.util.ArrayList;
import java.util.List;

/**
 * What an armed JVM says about its agent (the {@code crashcap.status} system property, written by the native side
 * when it arms: agent-native/src/arming/status_property.h): the crashcap version, the bundle folder, since when and
 * how it is armed, and the options in force, secrets redacted in the target already. A JVM armed by a crashcap that
 * published only {@code crashcap.armed} gives the version and folder alone.
 */
public record AgentStatus(long pid, String javaVersion, String agentVersion, String bundleFolder,
        Long armedEpochMillis, String how, List<Option> options) {

    /** An option in force: its value (redacted if secret) and where it came from (argument, property, environment). */
    public record Option(String name, String value, String source) {}

    static AgentStatus parse(long pid, String javaVersion, String status, String armed) {
        Attacher.Outcome outcome = armed == null ? null : Attacher.outcome(true, armed, javaVersion);
        String version = outcome == null ? null : outcome.agentVersion();
        String folder = outcome == null ? null : outcome.bundleFolder();
        Long since = null;
        String how = null;
        List<Option> options = new ArrayList<>();
        String[] lines = status == null ? new String[0] : status.split("\n");
        for (int i = 0; i < lines.length; i++) {
            CaptureLine line = CaptureLine.parse(i + 1, lines[i]);
            switch (line.key()) {
                case "version" -> version = line.valueOrNull(0);
                case "folder" -> folder = line.valueOrNull(0);
                case "armedEpochMillis" -> since = number(line.valueOrNull(0));
                case "how" -> how = line.valueOrNull(0);
                case "option" -> {
                    if (line.valueOrNull(0) != null) {
                        options.add(new Option(line.value(0), line.value(1), line.valueOrNull(2)));
                    }
                }
                default -> { } // from a newer agent: skipped
            }
        }
        return new AgentStatus(pid, javaVersion, version, folder, since, how, List.copyOf(options));
    }

    private static Long number(String text) {
        try {
            return text == null ? null : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
