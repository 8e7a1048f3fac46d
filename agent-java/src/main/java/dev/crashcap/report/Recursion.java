package dev.crashcap.report;

import dev.crashcap.bundle.Frame;
import dev.crashcap.bundle.Hex;
import dev.crashcap.bundle.JavaFrame;
import dev.crashcap.bundle.NativeFrame;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The function that makes up at least half of a stack, and how many of its frames there are: what unbounded
 * recursion leaves. Frames count as the same function by module and function name (a recursive function may call
 * itself from more than one place), by pc when the function is unknown, by class and method for Java frames.
 */
record Recursion(String function, int count) {

    /** The recursion in these frames, or null if no function makes up half of them. */
    static Recursion of(List<Frame> frames) {
        Map<String, Integer> counts = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        String top = null;
        for (Frame frame : frames) {
            String key = key(frame);
            names.putIfAbsent(key, name(frame));
            int count = counts.merge(key, 1, Integer::sum);
            if (top == null || count > counts.get(top)) {
                top = key;
            }
        }
        if (top == null || counts.get(top) < 2 || counts.get(top) * 2 < frames.size()) {
            return null;
        }
        return new Recursion(names.get(top), counts.get(top));
    }

    /** What makes two frames the same function. */
    static String key(Frame frame) {
        if (frame instanceof NativeFrame nativeFrame) {
            return nativeFrame.function() == null ? Hex.of(nativeFrame.pc())
                    : nativeFrame.modulePath() + "!" + nativeFrame.function();
        }
        JavaFrame javaFrame = (JavaFrame) frame;
        return javaFrame.className() + "." + javaFrame.method();
    }

    /** How a person names the function: {@code crashcaptest_recurse}, {@code libx.so+0x1234}, {@code a.B.c}. */
    static String name(Frame frame) {
        if (frame instanceof NativeFrame nativeFrame) {
            if (nativeFrame.function() != null) {
                return nativeFrame.function();
            }
            String module = nativeFrame.moduleName();
            return module == null || nativeFrame.offset() == null ? Hex.of(nativeFrame.pc())
                    : module + "+" + Hex.of(nativeFrame.offset());
        }
        JavaFrame javaFrame = (JavaFrame) frame;
        return javaFrame.className() + "." + javaFrame.method();
    }
}
