package dev.crashcap.ship;

import dev.crashcap.bundle.BundleLocator;
import dev.crashcap.collector.Backoff;
import dev.crashcap.collector.DiskCap;
import dev.crashcap.collector.RateLimiter;
import dev.crashcap.collector.Spool;
import dev.crashcap.collector.TargetException;
import dev.crashcap.collector.Uploader;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Puts the pieces together the same way for {@code crashcap upload} and the agent's background thread. */
public final class Shipping {
    /** The crash-loop limit: bundles of one signature sent per hour; the rest are kept and counted. */
    public static final int LOOP_LIMIT = 5;
    public static final long LOOP_WINDOW_MILLIS = 3_600_000;

    private Shipping() {
    }

    /** Crash bundles only: a snapshot (crashcap dump) was taken by someone at the machine, for them to read. */
    public static Spool spool(Path folder) {
        return new Spool(folder, Shipping::isCrashBundle, BundleLocator.CAPTURE_FILE);
    }

    static boolean isCrashBundle(Path directory) {
        return !directory.getFileName().toString().startsWith(SNAPSHOT_PREFIX) && BundleLocator.isBundleDirectory(directory);
    }

    /** How the native agent names snapshot bundles (agent-native/src/handler/bundle_name.c). */
    static final String SNAPSHOT_PREFIX = "snapshot-";

    public static Uploader uploader(Path folder, ShipTarget target, DiskCap cap, Consumer<String> log)
            throws TargetException {
        return uploader(folder, target, cap, LOOP_LIMIT, log);
    }

    /** As above, with {@code loopLimit} bundles of one signature sent per hour. */
    public static Uploader uploader(Path folder, ShipTarget target, DiskCap cap, int loopLimit, Consumer<String> log)
            throws TargetException {
        return uploader(folder, target, cap, loopLimit, false, log);
    }

    /** As above; {@code minidump}: finishing writes minidump.dmp, packed in the zip and sent to Sentry as the event's. */
    public static Uploader uploader(Path folder, ShipTarget target, DiskCap cap, int loopLimit, boolean minidump,
            Consumer<String> log) throws TargetException {
        return new Uploader(spool(folder), new BundleFinisher(target.isSentry(), minidump), target.transport(), Backoff.DEFAULT,
                new RateLimiter(folder, loopLimit, LOOP_WINDOW_MILLIS), cap, log, System::currentTimeMillis);
    }
}
