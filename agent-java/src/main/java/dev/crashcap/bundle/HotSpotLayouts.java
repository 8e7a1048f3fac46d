package dev.crashcap.bundle;

import java.util.Map;

/**
 * The {@code hotspot.*} lines of a capture's {@code threads} section: whether the agent could use HotSpot's own
 * description of its thread, method, code cache and virtual thread structures. Each one it could not use is a warning that says
 * what the bundle lacks because of it, and why ({@code docs/threads.md}).
 */
final class HotSpotLayouts {
    private HotSpotLayouts() {}

    static void warn(Map<String, String> threadsSummary, CaptureValues values) {
        String identity = threadsSummary.get("hotspot.threads");
        if (identity != null && !identity.equals("ok")) {
            values.warn("threads that started before the agent armed are named by the kernel (15 characters), without"
                    + " Java state, daemon flag or HotSpot state: HotSpot's thread layout could not be used (" + identity
                    + ")");
        }
        String methods = threadsSummary.get("hotspot.methods");
        if (methods != null && !methods.equals("ok")) {
            values.warn("Java frames are named only by the resolver thread, and stay raw method ids where it could not"
                    + " answer: HotSpot's method layout could not be used (" + methods + ")");
        }
        String javaWalk = threadsSummary.get("hotspot.frames");
        if (javaWalk != null && !javaWalk.equals("ok")) {
            values.warn(CaptureParser.JAVA_WALK_WARNING + " (" + javaWalk + "): each thread's native frames end at its"
                    + " first Java frame, and its Java frames (from AsyncGetCallTrace) follow them");
        }
        String threadStates = threadsSummary.get("hotspot.threadStates");
        if (threadStates != null && !threadStates.equals("ok")) {
            values.warn("Java thread states come only from the resolver thread, and are missing where it could not"
                    + " answer in time: java.lang.Thread's status could not be read in the handler (" + threadStates
                    + ")");
        }
        String virtualThreads = threadsSummary.get("hotspot.virtualThreads");
        if (virtualThreads != null && !virtualThreads.equals("ok") && !virtualThreads.equals("none")) {
            values.warn("a crash or dump in a virtual thread is shown under its carrier thread's name only: HotSpot's"
                    + " virtual thread layout could not be used (" + virtualThreads + ")");
        }
    }
}
