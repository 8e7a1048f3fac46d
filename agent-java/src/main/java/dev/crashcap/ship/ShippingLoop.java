package dev.crashcap.ship;

import dev.crashcap.collector.DiskCap;
import dev.crashcap.collector.Spool;
import dev.crashcap.collector.TargetException;
import dev.crashcap.collector.Uploader;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The body of the agent's {@code crashcap-upload} daemon thread. Without a target it only finishes the bundles of
 * earlier crashes and ends. With one it loops: a pass, then sleep until the next pending bundle is due, at most a
 * minute (new bundles from other JVMs sharing the folder are picked up within that). Trouble is reported on
 * stderr in one line, once per distinct message, and never stops the loop or the application.
 */
public final class ShippingLoop {
    static final long MAX_SLEEP_MILLIS = 60_000;

    private ShippingLoop() {
    }

    public static void run(ShippingSettings settings) {
        Path folder = settings.folder();
        String lastProblem = null;
        try {
            Thread.sleep(settings.startDelayMillis());
            ShipTarget target = new ShipTarget(settings.url(), settings.token(), settings.sentryDsn(),
                    ShipTarget.DEFAULT_TIMEOUT);
            if (!target.isConfigured()) {
                finishAll(folder, settings.minidump());
                return;
            }
            DiskCap cap = new DiskCap(number(settings.maxBundles(), DiskCap.DEFAULT.maxBundles()),
                    number(settings.maxMb(), DiskCap.DEFAULT.maxBytes() >> 20) << 20);
            int loopLimit = number(settings.crashLoopLimit(), Shipping.LOOP_LIMIT);
            if (loopLimit < 1) loopLimit = Shipping.LOOP_LIMIT; // 0 would send nothing; the arming passes null for it
            Uploader uploader = Shipping.uploader(folder, target, cap, loopLimit, settings.minidump(),
                    settings.verbose() ? ShippingLoop::log : ShippingLoop::logTrouble);
            while (true) {
                try {
                    uploader.runOnce(false);
                    long next = uploader.nextDueMillis();
                    long sleep = next < 0 ? MAX_SLEEP_MILLIS : next - System.currentTimeMillis();
                    Thread.sleep(Math.max(1_000, Math.min(MAX_SLEEP_MILLIS, sleep)));
                } catch (java.io.IOException | RuntimeException e) {
                    String problem = "upload: " + e;
                    if (!problem.equals(lastProblem)) {
                        log(problem);
                        lastProblem = problem;
                    }
                    Thread.sleep(MAX_SLEEP_MILLIS);
                }
            }
        } catch (TargetException e) {
            log("not uploading: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void finishAll(Path folder, boolean minidump) {
        try {
            BundleFinisher finisher = new BundleFinisher(false, minidump); // one for all: module files read once
            for (Spool.Entry entry : Shipping.spool(folder).entries()) {
                finisher.finishQuietly(entry.directory());
            }
        } catch (java.io.IOException | RuntimeException e) {
            log("cannot finish earlier bundles: " + e);
        }
    }

    private static long number(String text, long fallback) {
        try {
            long value = text == null ? fallback : Long.parseLong(text.trim());
            if (value < 0) throw new NumberFormatException(); // never a negative cap: it would delete every bundle
            return value;
        } catch (NumberFormatException e) {
            log("not a number: " + text + "; using " + fallback);
            return fallback;
        }
    }

    private static int number(String text, int fallback) {
        return (int) Math.min(Integer.MAX_VALUE, number(text, (long) fallback));
    }

    /**
     * The uploader's lines but "sent …": the application's stderr is the application's, and a bundle that went out
     * as it should is news only to who asked for it (verbose); what went wrong is said all the same.
     */
    private static void logTrouble(String line) {
        if (!line.startsWith(SENT)) log(line);
    }

    /** How Uploader starts the line for a bundle the collector took. */
    static final String SENT = "sent ";

    private static void log(String line) {
        System.err.println("crashcap: " + line);
    }
}
