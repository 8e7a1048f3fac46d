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
     * Installs the fatal-signal handlers. Returns null when armed (or already armed), else a one-line
     * reason. {@code header} is the capture file's header section, written verbatim at a crash.
     */
    static native String arm(String bundleFolder, byte[] header, long processStartEpochMillis, String currentThreadName);

    static native boolean isArmed();

    /**
     * Publishes the armed agent's state as the system properties {@code crashcap.armed} and {@code crashcap.status}
     * (agent-native/src/arming/status_property.h), read from outside by crashcap attach, dump and status. Returns
     * null, or a one-line reason. {@code optionRecords}: lines {@code option TAB name TAB value TAB source}, escaped
     * as capture.txt, secrets redacted.
     */
    static native String publishStatus(String how, String version, String optionRecords);
    /** Bytes of stack each thread keeps at a capture, and the crashing thread; before {@link #arm}. */
    static native void configureStackMemory(long eachThreadBytes, long crashingThreadBytes);

    /** A live snapshot bundle of every thread into {@code folder}; returns the bundle's path. */
    static native String snapshot(String folder) throws java.io.IOException;

    static native long pid();

    /** When this process started (ms since the epoch), 0 if unknown. */
    static native long processStartEpochMillis();
}
