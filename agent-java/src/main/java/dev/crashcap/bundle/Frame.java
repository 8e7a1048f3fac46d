package dev.crashcap.bundle;

/** One frame of a thread's stack: native code or a Java method. Frames are listed innermost first. */
public sealed interface Frame permits NativeFrame, JavaFrame {

    /** {@code native} or {@code java}, as in the capture and the JSON. */
    String kind();
}
