package dev.crashcap.bundle;

/** One frame of a thread's stack: native code or a Java method. Frames are listed innermost first. */
public sealed interface Frame permits NativeFrame, JavaFrame {

    /** {@code native} or {@code java}, as in the capture and the JSON. */
    String kind();

    /**
     * The frame without its stack pointer: what it is, not where it sat. Threads with the same stack (a pool of idle
     * workers) have the same frames at different stack addresses.
     */
    Frame withoutStackPointer();
}
