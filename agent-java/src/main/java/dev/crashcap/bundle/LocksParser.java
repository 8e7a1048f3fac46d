package dev.crashcap.bundle;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code locks.txt} of a snapshot bundle (docs/capture-format.md): lines like capture.txt's, key TAB values.
 * Like the capture parser it takes what there is: unreadable lines become warnings, nothing is thrown.
 */
final class LocksParser {
    static final String FILE = "locks.txt";
    static final String MAGIC = "crashcap-locks";

    private final List<ThreadLocks> threads = new ArrayList<>();
    private final List<List<Long>> deadlocks = new ArrayList<>();
    private final List<String> warnings;
    private ThreadBuilder current;
    private boolean complete;
    private String unavailable;

    private LocksParser(List<String> warnings) {
        this.warnings = warnings;
    }

    /** The locks, or null if the file is not a locks file at all (then {@code warnings} says so). */
    static Locks parse(byte[] data, List<String> warnings) {
        String text = new String(data, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        if (!lines[0].equals(MAGIC + "\t1")) {
            warnings.add(FILE + ": not a locks file of format 1, ignored");
            return null;
        }
        LocksParser parser = new LocksParser(warnings);
        // The last element follows the last newline: empty, or a line cut off mid-way.
        for (int i = 1; i < lines.length - 1; i++) {
            parser.accept(CaptureLine.parse(i + 1, lines[i]));
        }
        parser.finishThread();
        if (parser.unavailable != null) {
            // The agent could not list the locks (a runtime without java.management): no locks, and not "no deadlock".
            warnings.add("locks not recorded: " + parser.unavailable);
            return null;
        }
        if (!parser.complete) warnings.add(FILE + ": cut off (no 'end complete' line)");
        return new Locks(List.copyOf(parser.threads), List.copyOf(parser.deadlocks), parser.complete);
    }

    private void accept(CaptureLine line) {
        switch (line.key()) {
            case "thread" -> thread(line);
            case "held" -> held(line);
            case "waiting" -> waiting(line);
            case "deadlock" -> deadlock(line);
            case "unavailable" -> unavailable = line.valueOrNull(0) == null ? "no reason given" : line.value(0);
            case "end" -> complete |= "complete".equals(line.value(0));
            default -> { } // from a newer writer: skipped
        }
    }

    private void thread(CaptureLine line) {
        finishThread();
        Long id = decimal(line.valueOrNull(0));
        if (id == null || line.value(1) == null) {
            warnings.add(FILE + ": line " + line.number() + ": unreadable thread, skipped with its locks");
            return;
        }
        current = new ThreadBuilder(id, line.value(1), line.valueOrNull(2));
    }

    private void held(CaptureLine line) {
        JavaLock lock = lock(line, 0);
        if (current != null && lock != null) current.held.add(lock);
    }

    private void waiting(CaptureLine line) {
        JavaLock lock = lock(line, 0);
        if (current == null || lock == null) return;
        current.waitingOn = lock;
        current.ownerId = decimal(line.valueOrNull(2));
        current.ownerName = line.valueOrNull(3);
    }

    private void deadlock(CaptureLine line) {
        List<Long> cycle = new ArrayList<>();
        for (String value : line.values()) {
            Long id = decimal(value);
            if (id == null) {
                warnings.add(FILE + ": line " + line.number() + ": unreadable deadlock, skipped");
                return;
            }
            cycle.add(id);
        }
        if (!cycle.isEmpty()) deadlocks.add(List.copyOf(cycle));
    }

    private JavaLock lock(CaptureLine line, int first) {
        String className = line.valueOrNull(first);
        String hash = line.valueOrNull(first + 1);
        if (className == null || hash == null) {
            warnings.add(FILE + ": line " + line.number() + ": unreadable lock, skipped");
            return null;
        }
        return new JavaLock(className, hash);
    }

    private void finishThread() {
        if (current != null) {
            threads.add(new ThreadLocks(current.id, current.name, current.state, List.copyOf(current.held),
                    current.waitingOn, current.ownerId, current.ownerName));
        }
        current = null;
    }

    private static Long decimal(String value) {
        try {
            return value == null ? null : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static final class ThreadBuilder {
        final long id;
        final String name;
        final String state;
        final List<JavaLock> held = new ArrayList<>();
        JavaLock waitingOn;
        Long ownerId;
        String ownerName;

        ThreadBuilder(long id, String name, String state) {
            this.id = id;
            this.name = name;
            this.state = state;
        }
    }
}
