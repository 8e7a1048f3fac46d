package dev.crashcap.attach;

/** Which kind of process a pid is, told from the libraries it has mapped ({@code /proc/<pid>/maps}). */
enum JvmKind {
    HOTSPOT,
    /** Eclipse OpenJ9 also ships a libjvm.so, but attaches through its own mechanism, not HotSpot's socket. */
    OPENJ9,
    NOT_A_JVM;

    static JvmKind of(String maps) {
        if (maps.contains("/libj9vm")) return OPENJ9;
        // The JVM may be embedded in any executable (not only bin/java): libjvm.so is what makes it a JVM.
        if (maps.contains("/libjvm.so")) return HOTSPOT;
        return NOT_A_JVM;
    }
}
