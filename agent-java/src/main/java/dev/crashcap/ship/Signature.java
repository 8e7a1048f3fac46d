package dev.crashcap.ship;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Frame;
import dev.crashcap.bundle.JavaFrame;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.bundle.ThreadInfo;
import dev.crashcap.report.Diagnosis;
import java.util.ArrayList;
import java.util.List;

/**
 * What makes two crashes "the same" for the crash-loop limit: the diagnosis, the signal, and the innermost three
 * named frames of the crashing thread (function names, not addresses: addresses move with ASLR).
 */
public final class Signature {
    private static final int FRAMES = 3;

    private Signature() {
    }

    public static String of(Bundle bundle) {
        Diagnosis diagnosis = Diagnosis.of(bundle);
        List<String> parts = new ArrayList<>();
        parts.add(diagnosis.kind().jsonName());
        parts.add(String.valueOf(bundle.crash().signalName()));
        ThreadInfo thread = bundle.crashingThread();
        if (thread != null) {
            for (Frame frame : thread.frames()) {
                String name = name(frame);
                if (name != null) {
                    parts.add(name);
                }
                if (parts.size() == 2 + FRAMES) {
                    break;
                }
            }
        }
        return String.join("|", parts);
    }

    private static String name(Frame frame) {
        if (frame instanceof JavaFrame java) {
            return java.className() + "." + java.method();
        }
        NativeFrame nativeFrame = (NativeFrame) frame;
        if (nativeFrame.function() != null) {
            return nativeFrame.function();
        }
        return nativeFrame.moduleName() == null ? null
                : nativeFrame.moduleName() + "+0x" + Long.toHexString(nativeFrame.offset() == null ? 0 : nativeFrame.offset());
    }
}
