package dev.crashcap.report;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Frame;
import dev.crashcap.bundle.JavaFrame;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.bundle.ThreadInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * What makes two crashes "the same" (docs/bundle-format.md, "Crash signature"): the diagnosis kind, the signal and
 * the innermost three meaningful frames of the crashing thread, joined by {@code |}. Used by {@code list --group},
 * shown by {@code list --json} and {@code inspect --json}, and by the uploader's crash-loop limit.
 * <p>
 * It must not change between runs of the same program, so it holds no address and no offset (ASLR moves the
 * addresses, a rebuild moves the offsets): a frame is its function name, else its module's file name, else (a pc
 * in no module) nothing. Frames in the C library, the loader, the C++ runtime, the JVM and crashcap itself
 * ({@link SystemModules}) are noise: {@code raise}, {@code abort} and the JVM's handlers are on every such stack.
 * Only when no frame is left are the noise frames used. A run of the same name (recursion) counts once.
 * <p>
 * It is made from the bundle as captured (the names the capture read from {@code .dynsym}, before any offline
 * symbolization), so that list, inspect and the uploader give one bundle the same signature on any machine.
 */
public final class Signature {
    private static final int FRAMES = 3;

    private Signature() {
    }

    public static String of(Bundle bundle) {
        List<String> parts = new ArrayList<>();
        parts.add(Diagnosis.of(bundle).kind().jsonName());
        parts.add(String.valueOf(bundle.crash().signalName()));
        ThreadInfo thread = bundle.crashingThread();
        if (thread != null) {
            List<String> frames = frames(thread, false);
            parts.addAll(frames.isEmpty() ? frames(thread, true) : frames);
        }
        return String.join("|", parts);
    }

    /** The first {@link #FRAMES} frame names, noise frames left out unless {@code withNoise}. */
    private static List<String> frames(ThreadInfo thread, boolean withNoise) {
        List<String> names = new ArrayList<>();
        for (Frame frame : thread.frames()) {
            if (!withNoise && isNoise(frame)) {
                continue;
            }
            String name = name(frame);
            if (name == null || (!names.isEmpty() && names.get(names.size() - 1).equals(name))) {
                continue;
            }
            names.add(name);
            if (names.size() == FRAMES) {
                break;
            }
        }
        return names;
    }

    private static boolean isNoise(Frame frame) {
        return frame instanceof NativeFrame nativeFrame && nativeFrame.moduleName() != null
                && SystemModules.isSystem(nativeFrame.moduleName());
    }

    private static String name(Frame frame) {
        if (frame instanceof JavaFrame java) {
            return java.className() + "." + java.method();
        }
        NativeFrame nativeFrame = (NativeFrame) frame;
        return nativeFrame.function() != null ? nativeFrame.function() : nativeFrame.moduleName();
    }
}
