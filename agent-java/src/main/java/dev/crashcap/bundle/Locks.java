package dev.crashcap.bundle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java locks of a snapshot bundle ({@code locks.txt}), joined to the bundle's threads by Java thread name: the
 * capture names Java threads by their Java names, and the JVM's lock report has no native thread ids. When several
 * Java threads share a name, their locks are given to them only if they are the same for all of them (typically: none);
 * otherwise they cannot be told apart and each gets null, with a warning.
 */
public record Locks(List<ThreadLocks> threads, List<List<Long>> deadlockIds, boolean complete) {

    /** The locks of {@code thread}, or null: a native thread, a name not in the report, or an ambiguous name. */
    public ThreadLocks of(ThreadInfo thread) {
        if (!thread.java() || thread.name() == null) return null;
        List<ThreadLocks> named = byName().getOrDefault(thread.name(), List.of());
        if (named.isEmpty()) return null;
        for (ThreadLocks other : named) {
            if (!other.sameLocksAs(named.get(0))) return null;
        }
        return named.get(0);
    }

    /** Names shared by Java threads whose locks differ: their locks are not shown. */
    public List<String> ambiguousNames() {
        List<String> ambiguous = new ArrayList<>();
        byName().forEach((name, named) -> {
            if (named.stream().anyMatch(other -> !other.sameLocksAs(named.get(0)))) ambiguous.add(name);
        });
        return ambiguous;
    }

    /** Each deadlock as the names of the threads in its cycle, each waiting for a lock the next one holds. */
    public List<List<String>> deadlocks() {
        Map<Long, String> names = new LinkedHashMap<>();
        for (ThreadLocks thread : threads) names.put(thread.javaId(), thread.name());
        List<List<String>> deadlocks = new ArrayList<>();
        for (List<Long> cycle : deadlockIds) {
            deadlocks.add(cycle.stream().map(id -> names.getOrDefault(id, "thread id " + id)).toList());
        }
        return deadlocks;
    }

    private Map<String, List<ThreadLocks>> byName() {
        Map<String, List<ThreadLocks>> byName = new LinkedHashMap<>();
        for (ThreadLocks thread : threads) byName.computeIfAbsent(thread.name(), name -> new ArrayList<>()).add(thread);
        return byName;
    }
}
