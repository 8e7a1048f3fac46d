package dev.crashcap.ship;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.BundleLocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a bundle is done being written. HotSpot writes its hs_err file after crashcap's handler has finished the
 * capture, so a complete capture is not enough: the crashed process must be gone. A bundle qualifies when no
 * process with its pid exists on this host, when the process that has its pid now started after the crash (the pid
 * was reused: on a busy host that takes seconds), or when its capture has not changed for {@value #SETTLE_MILLIS} ms
 * (the bundle came from another host, or the start could not be read).
 */
final class Readiness {
    static final long SETTLE_MILLIS = 60_000;
    /** The kernel's clock ticks in /proc/[pid]/stat: USER_HZ, 100 on every Linux architecture. */
    private static final long TICKS_PER_SECOND = 100;

    private Readiness() {
    }

    static boolean isSettled(Bundle bundle, Path directory) throws IOException {
        Long pid = bundle.pid();
        if (pid != null && (!Files.exists(Path.of("/proc/" + pid)) || startedAfterTheCrash(pid, bundle))) {
            return true;
        }
        long age = System.currentTimeMillis()
                - Files.getLastModifiedTime(directory.resolve(BundleLocator.CAPTURE_FILE)).toMillis();
        return age >= SETTLE_MILLIS;
    }

    /**
     * The process with this pid now started after the bundle's crash, so it is not the one that crashed. Starts are
     * compared as the kernel counts them, field 22 of /proc/[pid]/stat (ticks since boot, 10 ms each), against this
     * JVM's own start tick and start time (put on the wall clock through this JVM, not /proc/uptime, which some
     * containers show as their own). The process that crashed started before its crash by its whole life, longer
     * than a JVM's start alone; one that got its pid started after the crashed one ended, which is after its capture
     * and hs_err: the crash time separates the two. False when anything cannot be read.
     */
    private static boolean startedAfterTheCrash(long pid, Bundle bundle) {
        Long crash = bundle.crash().timeEpochMillis();
        if (crash == null) {
            return false;
        }
        try {
            long ticksSince = startTicks("/proc/" + pid + "/stat") - startTicks("/proc/self/stat");
            long ownStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
            return ownStart + ticksSince * 1000 / TICKS_PER_SECOND > crash;
        } catch (IOException | RuntimeException | LinkageError e) { // ended meanwhile, no java.management: by age
            return false;
        }
    }

    private static long startTicks(String statFile) throws IOException {
        String stat = Files.readString(Path.of(statFile));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // from field 3 on
        return Long.parseLong(fields[22 - 3]);
    }
}
