package dev.crashcap.bundle;

import java.nio.file.Path;
import java.util.List;

/**
 * A bundle as read from its {@code capture.txt}: a crash, or a live snapshot ({@code kind} {@value #SNAPSHOT}, from
 * crashcap dump, whose {@code crash} holds the snapshot's time, pid, uptime and requesting thread, and whose
 * {@code locks} come from {@code locks.txt}, null when absent). {@code truncated} means the handler did not finish the
 * file (no {@code end complete} line): everything else holds what the file had. {@code warnings} lists what the
 * parser had to skip, one human line each. {@code captureMicros} is the time from the signal to the file being
 * durable, as the handler measured it (null if not recorded). {@code context} is what the capture recorded around the
 * crash (VM flags, host, memory at the crash): {@link Context#EMPTY} when it has none.
 */
public record Bundle(Path directory, Header header, Crash crash, List<ThreadInfo> threads,
        ThreadsSummary threadsSummary, List<LoadedModule> modules, Long captureMicros, boolean truncated,
        List<String> warnings, String kind, Locks locks, Context context) {
    public static final String CRASH = "crash";
    public static final String SNAPSHOT = "snapshot";

    public boolean isSnapshot() {
        return SNAPSHOT.equals(kind);
    }

    /** This bundle with the locks of its locks.txt, and the warnings reading them gave. */
    public Bundle withLocks(Locks newLocks, List<String> moreWarnings) {
        List<String> allWarnings = new java.util.ArrayList<>(warnings);
        allWarnings.addAll(moreWarnings);
        if (newLocks != null) {
            for (String name : newLocks.ambiguousNames()) {
                allWarnings.add("several Java threads are named \"" + name + "\" and hold or wait for different locks: "
                        + "their locks are not shown (see locks.txt)");
            }
        }
        return new Bundle(directory, header, crash, threads, threadsSummary, modules, captureMicros, truncated,
                List.copyOf(allWarnings), kind, newLocks, context);
    }

    /** The thread's Java locks (snapshots only), or null when not known. */
    public ThreadLocks locksOf(ThreadInfo thread) {
        return locks == null ? null : locks.of(thread);
    }

    /** The process id: from the crash section, else from the header; null if neither is known. */
    public Long pid() {
        return crash.pid() != null ? crash.pid() : header.pid();
    }

    /** The thread marked as crashed, else the one whose tid the crash section names; null if none is known. */
    public ThreadInfo crashingThread() {
        if (isSnapshot()) {
            return null; // the snapshot section's tid is the thread that asked for it, not a crash
        }
        for (ThreadInfo thread : threads) {
            if (thread.crashed()) {
                return thread;
            }
        }
        for (ThreadInfo thread : threads) {
            if (thread.tid() != null && thread.tid().equals(crash.tid())) {
                return thread;
            }
        }
        return null;
    }

    /** Every thread marked as crashed, the first crashing thread first. */
    public List<ThreadInfo> crashedThreads() {
        return threads.stream().filter(ThreadInfo::crashed).toList();
    }

    /** The module whose mapping holds {@code pc}, or null. */
    public LoadedModule moduleAt(long pc) {
        for (LoadedModule module : modules) {
            if (module.contains(pc)) {
                return module;
            }
        }
        return null;
    }

    /** The module with exactly this path, or null. */
    public LoadedModule moduleByPath(String path) {
        for (LoadedModule module : modules) {
            if (module.path().equals(path)) {
                return module;
            }
        }
        return null;
    }
}
