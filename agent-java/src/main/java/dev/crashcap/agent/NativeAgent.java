package dev.crashcap.agent;

/** The native half of the agent (libcrashcap.so, agent-native/src/arming/jni_bridge.c). */
final class NativeAgent {
    private NativeAgent() {}

    /**
     * Arms the process from the agent's option string, as -agentpath does (agent-native/src/arming/agent_arming.c):
     * options, bundle folder ({@code folderOverride} above every other setting unless empty), header, handlers,
     * status, background thread, warnings. {@code how}: "javaagent" or "attach". Returns "armed", "already" or
     * "failed", a newline, and the lines to print on stderr.
     */
    static native String armAgent(String how, String options, String folderOverride, String currentThreadName);

    /**
     * Before {@link #armAgent}, when a dump's snapshot follows at once: that snapshot's signal gives the threads that exist
     * already their alternate signal stacks, not a signal of arming's own (agent-native/src/arming/existing_altstacks.h).
     */
    static native void deferExistingAltstacks();

    /** A live snapshot bundle of every thread into {@code folder}; returns the bundle's path. */
    static native String snapshot(String folder) throws java.io.IOException;
}
