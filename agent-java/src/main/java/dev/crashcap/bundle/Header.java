package dev.crashcap.bundle;

import java.util.List;
import java.util.Map;

/**
 * The facts the agent knew when it armed the process ({@code header} section). Any field may be null when the
 * capture does not hold it; {@code args} and {@code env} are then empty. Secrets are already redacted.
 */
public record Header(String agentVersion, String agentOptions, String jvmName, String jvmVersion, String jvmVendor,
        String javaVersion, String javaHome, String osName, String osArch, Long pid, Long startEpochMillis,
        String cwd, List<String> args, Map<String, String> env) {
}
