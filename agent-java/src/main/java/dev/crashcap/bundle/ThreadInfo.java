package dev.crashcap.bundle;

import java.util.List;
import java.util.Map;

/**
 * One thread of the crashed process ({@code thread} section). Registers are only captured for the crashing
 * thread. {@code unwindStop} says why the native walk ended ({@code end}, {@code no-module}, …), null if the
 * capture was cut off before it.
 */
public record ThreadInfo(Long tid, String name, boolean java, boolean crashed, Map<String, Long> registers,
        StackBounds stack, List<Frame> frames, String unwindStop) {

    /** The innermost native frame, or null: where the thread was when it stopped. */
    public NativeFrame topNativeFrame() {
        for (Frame frame : frames) {
            if (frame instanceof NativeFrame nativeFrame) {
                return nativeFrame;
            }
        }
        return null;
    }
}
