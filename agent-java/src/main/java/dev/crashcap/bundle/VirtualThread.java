package dev.crashcap.bundle;

/**
 * The virtual thread (JDK 21+) that was mounted on a carrier thread when the capture found it: its name as
 * {@code Thread.getName()} gives it (empty for an unnamed virtual thread) and its {@code Thread.threadId()}.
 */
public record VirtualThread(String name, Long id) {

    /** {@code "vt-crasher-1" (#25)}, {@code unnamed (#25)}. */
    public String describe() {
        return (name == null || name.isEmpty() ? "unnamed" : "\"" + name + "\"") + (id == null ? "" : " (#" + id + ")");
    }
}
