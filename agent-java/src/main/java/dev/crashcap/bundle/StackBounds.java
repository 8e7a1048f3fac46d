package dev.crashcap.bundle;

/** The memory mapping that held a thread's stack pointer: {@code [low, high)}. Stacks grow down, towards low. */
public record StackBounds(long low, long high) {
}
