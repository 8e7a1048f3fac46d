package dev.crashcap.agent;

import java.io.IOException;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code locks.txt} of a snapshot bundle: the Java locks each thread holds and waits for, and the deadlocks, from
 * the JVM's ThreadMXBean (docs/capture-format.md). Only the dump path uses it: java.management costs start-up time,
 * so premain never touches this class.
 *
 * <p>Held ownable synchronizers (ReentrantLock and the like) are asked for without {@code lockedSynchronizers}:
 * finding them means walking the whole heap in a safepoint (what {@code jstack -l} does), a pause that grows with the
 * heap. A synchronizer somebody waits for still shows, as held by its owner, since the waiter names it.
 */
final class LocksFile {
    static final String NAME = "locks.txt";

    private LocksFile() {}

    static void write(Path bundle) throws IOException {
        save(bundle, list());
    }

    /** The file's text: the JVM's locks and deadlocks now (Dump lists them while the snapshot runs). */
    static String list() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ThreadInfo[] infos = threads.dumpAllThreads(threads.isObjectMonitorUsageSupported(), false);
        long[] deadlocked = threads.isSynchronizerUsageSupported() ? threads.findDeadlockedThreads()
                : threads.findMonitorDeadlockedThreads();
        StringBuilder text = new StringBuilder("crashcap-locks\t1\n");
        Map<Long, List<String>> inferred = heldByOwners(infos);
        for (ThreadInfo info : infos) {
            if (info == null) continue; // ended meanwhile
            line(text, "thread", Long.toString(info.getThreadId()), info.getThreadName(), info.getThreadState().name());
            Set<String> held = new LinkedHashSet<>();
            for (MonitorInfo monitor : info.getLockedMonitors()) held.add(lock(monitor));
            held.addAll(inferred.getOrDefault(info.getThreadId(), List.of()));
            for (String lock : held) text.append("held\t").append(lock).append('\n');
            if (info.getLockInfo() != null) {
                line(text, "waiting", info.getLockInfo().getClassName(), hash(info.getLockInfo()),
                        info.getLockOwnerId() < 0 ? "" : Long.toString(info.getLockOwnerId()),
                        info.getLockOwnerName() == null ? "" : info.getLockOwnerName());
            }
        }
        for (List<Long> cycle : cycles(infos, deadlocked)) {
            text.append("deadlock");
            for (long id : cycle) text.append('\t').append(id);
            text.append('\n');
        }
        text.append("end\tcomplete\n");
        return text.toString();
    }

    /** Writes {@link #list}'s text into the bundle. */
    static void save(Path bundle, String text) throws IOException {
        save0600(bundle.resolve(NAME), text);
    }

    /** Locks a waiter names with an owner: the owner holds them, whether or not the JVM listed them as held. */
    private static Map<Long, List<String>> heldByOwners(ThreadInfo[] infos) {
        Map<Long, List<String>> held = new LinkedHashMap<>();
        for (ThreadInfo info : infos) {
            if (info != null && info.getLockInfo() != null && info.getLockOwnerId() >= 0) {
                held.computeIfAbsent(info.getLockOwnerId(), id -> new ArrayList<>()).add(lock(info.getLockInfo()));
            }
        }
        return held;
    }

    /** Each deadlock as its cycle: from a deadlocked thread, follow who owns what it waits for until back at it. */
    static List<List<Long>> cycles(ThreadInfo[] infos, long[] deadlocked) {
        List<List<Long>> cycles = new ArrayList<>();
        if (deadlocked == null) return cycles;
        Map<Long, Long> ownerOf = new LinkedHashMap<>();
        for (ThreadInfo info : infos) {
            if (info != null) ownerOf.put(info.getThreadId(), info.getLockOwnerId());
        }
        Set<Long> placed = new LinkedHashSet<>();
        for (long start : deadlocked) {
            if (placed.contains(start)) continue;
            List<Long> chain = new ArrayList<>();
            Long id = start;
            while (id != null && id >= 0 && !chain.contains(id)) {
                chain.add(id);
                id = ownerOf.get(id);
            }
            if (id == null || !chain.contains(id) || placed.contains(id)) continue; // no cycle, or one already named
            List<Long> cycle = chain.subList(chain.indexOf(id), chain.size()); // a thread waiting on a cycle is not in it
            placed.addAll(cycle);
            cycles.add(List.copyOf(cycle));
        }
        return cycles;
    }

    private static String lock(LockInfo lock) {
        return escape(lock.getClassName()) + "\t" + hash(lock);
    }

    private static String hash(LockInfo lock) {
        return "0x" + Integer.toHexString(lock.getIdentityHashCode());
    }

    private static void line(StringBuilder text, String key, String... values) {
        text.append(key);
        for (String value : values) text.append('\t').append(escape(value));
        text.append('\n');
    }

    /** The escapes of capture.txt: backslash, tab and newline, so one reader handles both files. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    /** 0600 from the start, like capture.txt: thread names and lock classes may say more than they should. */
    private static void save0600(Path file, String text) throws IOException {
        try (var channel = Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
             var out = Channels.newOutputStream(channel)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
