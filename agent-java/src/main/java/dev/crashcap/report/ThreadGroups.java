package dev.crashcap.report;

import dev.crashcap.bundle.Frame;
import dev.crashcap.bundle.ThreadInfo;
import dev.crashcap.bundle.ThreadLocks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Groups threads that a person cannot tell apart in a report: same kind (Java or native), same Java and kernel
 * state, same frames (by pc and Java method and line), same end of the walk and same reason for missing, same Java locks. Groups keep
 * the order of their first thread.
 */
final class ThreadGroups {
    private ThreadGroups() {
    }

    /** {@code locks} gives each thread's Java locks (null when unknown): threads with different locks differ. */
    static List<List<ThreadInfo>> of(List<ThreadInfo> threads, Function<ThreadInfo, ThreadLocks> locks) {
        Map<List<Object>, List<ThreadInfo>> groups = new LinkedHashMap<>();
        for (ThreadInfo thread : threads) {
            List<Object> signature = signature(thread);
            ThreadLocks threadLocks = locks.apply(thread);
            signature.add(threadLocks == null ? "" : List.of(threadLocks.held(), String.valueOf(threadLocks.waitingOn()),
                    String.valueOf(threadLocks.ownerName())));
            groups.computeIfAbsent(signature, key -> new ArrayList<>()).add(thread);
        }
        return List.copyOf(groups.values());
    }

    // Records compare by value, so the frame list itself is the stack's identity.
    private static List<Object> signature(ThreadInfo thread) {
        List<Object> signature = new ArrayList<>();
        signature.add(thread.java());
        signature.add(String.valueOf(thread.state()));
        signature.add(String.valueOf(thread.hotspotState()));
        signature.add(String.valueOf(thread.daemon()));
        signature.add(String.valueOf(thread.kernelState()));
        signature.add(String.valueOf(thread.missing()));
        signature.add(String.valueOf(thread.unwindStop()));
        signature.add(thread.frames().stream().map(Frame::withoutStackPointer).toList());
        return signature;
    }
}
