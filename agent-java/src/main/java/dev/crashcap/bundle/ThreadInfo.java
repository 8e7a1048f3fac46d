package dev.crashcap.bundle;

import java.util.List;
import java.util.Map;

/**
 * One thread of the crashed process ({@code thread} section). Registers are only captured for the crashing
 * thread. {@code signal} is set on threads that crashed. {@code state} is the Java thread state (null for native
 * threads or when unknown), {@code kernelState} the letter from {@code /proc/<pid>/task/<tid>/stat}, {@code missing}
 * why the thread's frames are absent (it did not answer). {@code stackPointer} is where the native walk started.
 * {@code unwindStop} says why the native walk ended ({@code end}, {@code no-module}, …), null if the capture was cut
 * off before it. {@code daemon} is the Java daemon flag (null for native threads or when unknown), {@code hotspotState}
 * HotSpot's own state of a Java thread when it was captured ({@code _thread_in_native}, {@code _thread_in_vm},
 * {@code _thread_in_Java}, {@code _thread_blocked}, …; null when unknown). {@code virtualThread} is the virtual
 * thread mounted on this (carrier) thread when it was captured, null when none was (or the JVM has none).
 * {@code stateSource} says where {@code state} came from: {@code handler} (read from the thread's java.lang.Thread
 * when it was captured), {@code resolver} (JVMTI, after the threads were collected), null when unknown (older
 * captures, or no state).
 */
public record ThreadInfo(Long tid, String name, boolean java, boolean crashed, ThreadSignal signal, String state,
        String kernelState, String missing, Map<String, Long> registers, StackBounds stack, Long stackPointer,
        List<Frame> frames, String unwindStop, Boolean daemon, String hotspotState, VirtualThread virtualThread,
        String stateSource) {

    /** The same thread with other frames (named ones, say). */
    public ThreadInfo withFrames(List<Frame> newFrames) {
        return new ThreadInfo(tid, name, java, crashed, signal, state, kernelState, missing, registers, stack,
                stackPointer, newFrames, unwindStop, daemon, hotspotState, virtualThread, stateSource);
    }

    /** The innermost native frame, or null: where the thread was when it stopped. */
    public NativeFrame topNativeFrame() {
        for (Frame frame : frames) {
            if (frame instanceof NativeFrame nativeFrame) {
                return nativeFrame;
            }
        }
        return null;
    }

    /** The innermost Java frame, or null. */
    public JavaFrame topJavaFrame() {
        for (Frame frame : frames) {
            if (frame instanceof JavaFrame javaFrame) {
                return javaFrame;
            }
        }
        return null;
    }

    /**
     * Bytes of stack in use when the walk started ({@code high - sp}), or null if either is unknown or the stack
     * pointer is not in or just below the mapping (an overflowing thread's sp may already be in the guard below it).
     */
    public Long usedStackBytes() {
        if (stack == null || stackPointer == null) {
            return null;
        }
        boolean near = Long.compareUnsigned(stackPointer, stack.low() - StackBounds.GUARD_REACH) >= 0
                && Long.compareUnsigned(stackPointer, stack.high()) <= 0;
        return near ? stack.high() - stackPointer : null;
    }
}
