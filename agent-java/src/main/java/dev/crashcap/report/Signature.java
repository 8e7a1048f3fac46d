package dev.crashcap.report;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Frame;
import dev.crashcap.bundle.JavaFrame;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.bundle.ThreadInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

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
 * A crash in a native call made through JNA or FFM ({@link JavaCaller}) is the function called, the bridge's entry
 * and the Java caller: the frames between are the bridge's, the same for every such call.
 * <p>
 * It is made from the bundle as captured (the names the capture read from {@code .dynsym}, before any offline
 * symbolization), so that list, inspect and the uploader give one bundle the same signature on any machine.
 */
public final class Signature {
    private static final int FRAMES = 3;
    // The random part of a temporary file's name, as File.createTempFile makes it (JNA: jna1234567890.tmp).
    private static final Pattern RANDOM_DIGITS = Pattern.compile("[0-9]{6,}(?=\\.tmp$)");

    private Signature() {
    }

    public static String of(Bundle bundle) {
        List<String> parts = new ArrayList<>();
        Diagnosis diagnosis = Diagnosis.of(bundle);
        parts.add(diagnosis.kind().jsonName());
        parts.add(String.valueOf(bundle.crash().signalName()));
        ThreadInfo thread = bundle.crashingThread();
        JavaCaller caller = diagnosis.javaCaller();
        if (caller != null) { // JNA or FFM: the function called, the bridge, the Java code that called it
            parts.add(name(caller.called()));
            parts.add(caller.bridgeFrame());
            parts.add(name(caller.caller()));
        } else if (thread != null) {
            List<String> frames = frames(thread, false);
            parts.addAll(frames.isEmpty() ? frames(thread, true) : frames);
        }
        return String.join("|", parts);
    }

    /** The first {@link #FRAMES} frame names, noise frames left out unless {@code withNoise}. */
    private static List<String> frames(ThreadInfo thread, boolean withNoise) {
        List<String> names = new ArrayList<>();
        for (Frame frame : thread.frames()) {
            if (!withNoise && isNoise(frame) || isCrashcap(frame)) {
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

    /** crashcap's own frames (its thread-start hook is under every thread it saw start) are never a crash's identity. */
    private static boolean isCrashcap(Frame frame) {
        return frame instanceof NativeFrame nativeFrame && nativeFrame.moduleName() != null
                && SystemModules.isCrashcap(nativeFrame.moduleName());
    }

    private static boolean isNoise(Frame frame) {
        return frame instanceof NativeFrame nativeFrame && nativeFrame.moduleName() != null
                && SystemModules.isSystem(nativeFrame.moduleName());
    }

    /**
     * A frame's name without what changes between runs: a hidden class's address ({@code Foo$$Lambda/0x…}), the
     * random part of a temporary file's name (JNA extracts its library to {@code jna1234567890.tmp}).
     */
    private static String name(Frame frame) {
        if (frame instanceof JavaFrame java) {
            int hidden = java.className().indexOf("/0x");
            return (hidden < 0 ? java.className() : java.className().substring(0, hidden)) + "." + java.method();
        }
        NativeFrame nativeFrame = (NativeFrame) frame;
        if (nativeFrame.function() != null) {
            return nativeFrame.function();
        }
        return nativeFrame.moduleName() == null ? null : RANDOM_DIGITS.matcher(nativeFrame.moduleName()).replaceAll("#");
    }
}
