package dev.crashcap.bundle;

/** The memory mapping that held a thread's stack pointer: {@code [low, high)}. Stacks grow down, towards low. */
public record StackBounds(long low, long high) {
    /**
     * How far below {@code low} an address still counts as "the end of this stack": guard pages sit there (glibc's
     * guard page, HotSpot's yellow and red zones, which split the mapping) and a frame may overshoot them.
     */
    public static final long GUARD_REACH = 64 * 1024;

    /** Bytes in the mapping. */
    public long size() {
        return high - low;
    }
}
