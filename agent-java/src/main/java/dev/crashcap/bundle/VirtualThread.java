package dev.crashcap.bundle;

import java.util.Map;

/**
 * The virtual thread (JDK 21+) that was mounted on a carrier thread when the capture found it: its name as
 * {@code Thread.getName()} gives it (empty for an unnamed virtual thread) and its {@code Thread.threadId()}.
 */
public record VirtualThread(String name, Long id) {

    /** From a thread section's {@code virtualThread.id} and {@code virtualThread.name}; null when it has neither. */
    static VirtualThread of(Map<String, String> scalars, CaptureValues values) {
        String unreadable = CaptureValues.text(scalars, "virtualThread.unreadable");
        if (unreadable != null) {
            values.warn("thread " + scalars.get("tid") + " may have had a virtual thread mounted, which is not named: "
                    + unreadable + " (docs/threads.md, \"Virtual threads\")");
        }
        Long id = values.decimal(scalars, "thread", "virtualThread.id");
        String name = CaptureValues.text(scalars, "virtualThread.name");
        return id == null && name == null ? null : new VirtualThread(name == null ? "" : name, id);
    }

    /** {@code "vt-crasher-1" (#25)}, {@code unnamed (#25)}. */
    public String describe() {
        return (name == null || name.isEmpty() ? "unnamed" : "\"" + name + "\"") + (id == null ? "" : " (#" + id + ")");
    }
}
