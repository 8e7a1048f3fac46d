package dev.crashcap.bundle;

import java.util.List;
import java.util.Map;

/**
 * The facts the agent knew when it armed the process ({@code header} section). Any field may be null when the
 * capture does not hold it; {@code args} and {@code env} are then empty. Secrets are already redacted.
 * {@code osVersion} is the kernel release; {@code osDistributionName} / {@code osDistributionVersion} come from
 * os-release(5). {@code release}, {@code environment} and {@code inApp} are the agent options of those names, as
 * they stood when the agent armed (docs/ship.md); {@code hostName} is the kernel's nodename.
 */
public record Header(String agentVersion, String agentOptions, String jvmName, String jvmVersion, String jvmVendor,
        String javaVersion, String javaHome, String osName, String osArch, Long pid, Long startEpochMillis,
        String cwd, List<String> args, Map<String, String> env, String osVersion, String osDistributionName,
        String osDistributionVersion, String hostName, String release, String environment, String inApp) {
}
