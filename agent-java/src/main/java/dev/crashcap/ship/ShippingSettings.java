package dev.crashcap.ship;

import java.nio.file.Path;

/**
 * What the agent's upload thread needs, as the agent options gave it (docs/ship.md): the bundle folder, the target
 * ({@code url} and {@code token}, or {@code sentryDsn}; null where unset), the disk cap as text (checked, and
 * complained about, at arming by AgentOptions; null when unset or not a count), the crash-loop limit as text (bundles
 * of one signature sent per hour; null when unset or not a count of 1 or more), how long to wait before the first pass,
 * whether finishing writes a minidump ({@code sentry-minidump}), and whether the routine lines ("sent …") are said
 * on the application's stderr ({@code verbose}; trouble always is).
 * Holds strings only, so premain creating it loads nothing of the upload machinery.
 */
public record ShippingSettings(Path folder, String url, String token, String sentryDsn, String maxBundles,
        String maxMb, String crashLoopLimit, long startDelayMillis, boolean minidump, boolean verbose) {
}
