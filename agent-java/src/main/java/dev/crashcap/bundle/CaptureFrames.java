package dev.crashcap.bundle;

import java.util.ArrayList;
import java.util.List;

/**
 * One thread's frames as its {@code frame} lines give them, innermost first (docs/capture-format.md): native frames,
 * and Java frames in their place among them. The crashing thread's Java frames come twice: placed but unnamed in its
 * own section, then named, in the same order, in the {@code java-frames} section ({@link #startNaming}).
 */
final class CaptureFrames {
    final List<Frame> frames = new ArrayList<>();
    boolean withoutExactness; // a native frame line of an older capture, without the exact field
    private int namingFrom = -1; // while a java-frames section is read: the next placed Java frame to name; -1 none

    /** The frame lines that follow name the Java frames already placed, in order. */
    void startNaming() {
        namingFrom = 0;
    }

    void add(CaptureLine line, CaptureValues values) {
        String kind = String.valueOf(line.value(0));
        if (kind.equals("native")) {
            nativeFrame(line, values);
        } else if (kind.equals("java")) {
            javaFrame(line, values);
        }
        // Other kinds come from newer writers: skipped, like unknown keys.
    }

    private void nativeFrame(CaptureLine line, CaptureValues values) {
        Long pc = Hex.parse(line.value(1));
        if (pc == null) {
            values.warn("line " + line.number() + ": native frame without a readable pc, skipped");
            return;
        }
        String exact = line.valueOrNull(6);
        if (exact == null) {
            withoutExactness = true;
        }
        String modulePath = LoadedModule.withoutDeletedSuffix(line.valueOrNull(2));
        frames.add(new NativeFrame(pc, modulePath, Hex.parse(line.valueOrNull(3)), line.valueOrNull(4),
                Hex.parse(line.valueOrNull(5)), null, null, "1".equals(exact), Hex.parse(line.valueOrNull(7))));
    }

    private void javaFrame(CaptureLine line, CaptureValues values) {
        String className = line.valueOrNull(1);
        String method = line.valueOrNull(2);
        if (className == null || method == null) {
            values.warn("line " + line.number() + ": java frame without class or method, skipped");
            return;
        }
        boolean nativeMethod = "native".equals(line.value(3));
        Integer lineNumber = smallInt(line.valueOrNull(3), Integer.MAX_VALUE);
        JavaFrame frame = new JavaFrame(JavaFrame.dottedClassName(className), method, lineNumber, nativeMethod,
                line.valueOrNull(4), line.valueOrNull(5), smallInt(line.valueOrNull(6), 65535),
                Hex.parse(line.valueOrNull(7)));
        if (namingFrom >= 0) {
            // The n-th named frame is the n-th Java frame the thread's own section placed among its native ones.
            while (namingFrom < frames.size() && !(frames.get(namingFrom) instanceof JavaFrame)) {
                namingFrom++;
            }
            if (namingFrom < frames.size()) {
                JavaFrame placed = (JavaFrame) frames.get(namingFrom);
                frames.set(namingFrom++, placed.namedAs(frame));
                return;
            }
            namingFrom = Integer.MAX_VALUE; // more named frames than placed ones (older captures): appended
        }
        frames.add(frame);
    }

    /** A decimal in 0..max, else null. */
    private static Integer smallInt(String text, int max) {
        if (text == null) {
            return null;
        }
        try {
            long value = Long.parseLong(text);
            return value >= 0 && value <= max ? Integer.valueOf((int) value) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
