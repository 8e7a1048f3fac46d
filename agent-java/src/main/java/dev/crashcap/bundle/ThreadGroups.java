package dev.crashcap.bundle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups threads that a person cannot tell apart in a report: same kind (Java or native), same Java and kernel
 * state, same frames (by pc and Java method and line), same end of the walk and same reason for missing. Groups keep
 * the order of their first thread.
 */
final class ThreadGroups {
    private ThreadGroups() {
    }

    static List<List<ThreadInfo>> of(List<ThreadInfo> threads) {
        Map<List<Object>, List<ThreadInfo>> groups = new LinkedHashMap<>();
        for (ThreadInfo thread : threads) {
            groups.computeIfAbsent(signature(thread), key -> new ArrayList<>()).add(thread);
        }
        return List.copyOf(groups.values());
    }

    // Records compare by value, so the frame list itself is the stack's identity.
    private static List<Object> signature(ThreadInfo thread) {
        List<Object> signature = new ArrayList<>();
        signature.add(thread.java());
        signature.add(String.valueOf(thread.state()));
        signature.add(String.valueOf(thread.kernelState()));
        signature.add(String.valueOf(thread.missing()));
        signature.add(String.valueOf(thread.unwindStop()));
        signature.add(thread.frames());
        return signature;
    }
}
