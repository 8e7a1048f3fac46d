package dev.crashcap.cli;

import dev.crashcap.bundle.BundleException;
import dev.crashcap.collector.DiskCap;
import picocli.CommandLine.Option;

/**
 * {@code --max-bundles} and {@code --max-mb}: the disk cap of a bundle folder. Unless given, the agent's
 * {@code max-bundles=} and {@code max-mb=} as configured by {@code -Dcrashcap.*} or {@code CRASHCAP_*}
 * ({@link ConfiguredDefaults}), else the collector client's defaults ({@link DiskCap}).
 */
final class DiskCapOptions {
    @Option(names = "--max-bundles", paramLabel = "<n>", defaultValue = "" + DiskCap.DEFAULT_MAX_BUNDLES,
            description = "Disk cap: bundles kept in the folder (default: ${DEFAULT-VALUE}, from -Dcrashcap.max-bundles "
                    + "or $CRASHCAP_MAX_BUNDLES as for the agent, else " + DiskCap.DEFAULT_MAX_BUNDLES + ").")
    int maxBundles;

    @Option(names = "--max-mb", paramLabel = "<n>", defaultValue = "" + DiskCap.DEFAULT_MAX_MB,
            description = "Disk cap: MiB kept in the folder (default: ${DEFAULT-VALUE}, from -Dcrashcap.max-mb or "
                    + "$CRASHCAP_MAX_MB as for the agent, else " + DiskCap.DEFAULT_MAX_MB + ").")
    long maxMegabytes;

    DiskCap diskCap() throws BundleException {
        // A negative cap would be taken as "keep nothing": refuse it rather than delete bundles by mistake.
        if (maxBundles < 0) throw new BundleException("--max-bundles must not be negative: " + maxBundles);
        if (maxMegabytes < 0) throw new BundleException("--max-mb must not be negative: " + maxMegabytes);
        return new DiskCap(maxBundles, Math.min(maxMegabytes, Long.MAX_VALUE >> 20) << 20);
    }
}
