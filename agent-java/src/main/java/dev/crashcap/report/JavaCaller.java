package dev.crashcap.report;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Frame;
import dev.crashcap.bundle.JavaFrame;
import dev.crashcap.bundle.LoadedModule;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.bundle.ThreadInfo;
import java.util.List;

/**
 * The Java code that made the native call a crash happened in, when that call went through a bridge that has no JNI
 * code of the application's own: JNA (its library, libjnidispatch, usually extracted to a temporary file, calls any C
 * function) or the Foreign Function &amp; Memory API (a downcall handle: the JVM's stub calls the C function). Such a
 * crash lands in libc or the called library, below the bridge; the culprit is the Java code that passed the
 * arguments ({@code diagnosis.javaCaller}).
 *
 * @param bridge         {@code "JNA"} or {@code "FFM"}
 * @param bridgeFrame    the bridge's Java entry as {@code class.method}: {@code com.sun.jna.Native.invokeVoid},
 *                       {@code jdk.internal.foreign.abi.DowncallStub.invoke} (a hidden class's address left out)
 * @param bridgeModule   path of JNA's library (not a suspect: it only forwards the call); null for FFM
 * @param caller         the innermost Java frame outside the bridge, reflection and proxies
 * @param jar            where the caller's class came from, when the bundle knows it (the class loaded a library)
 * @param called         the innermost native frame outside the bridge's library: the C function it called
 */
public record JavaCaller(String bridge, String bridgeFrame, String bridgeModule, JavaFrame caller, String jar,
        NativeFrame called) {
    static final String JNA_NATIVE = "com.sun.jna.Native";
    private static final List<String> PLUMBING = List.of("com.sun.jna.", "jdk.proxy", "com.sun.proxy.",
            "java.lang.reflect.", "java.lang.invoke.", "jdk.internal.", "sun.reflect.", "sun.invoke.");

    /** The crashing thread's bridge call, or null when its stack shows no JNA or FFM call. */
    static JavaCaller of(Bundle bundle, ThreadInfo thread) {
        if (thread == null) {
            return null;
        }
        List<Frame> frames = thread.frames();
        int firstJava = 0;
        while (firstJava < frames.size() && frames.get(firstJava) instanceof NativeFrame) {
            firstJava++;
        }
        if (firstJava == 0 || firstJava == frames.size()) {
            return null; // no native frame, or no Java frame: no call from Java
        }
        JavaFrame first = (JavaFrame) frames.get(firstJava);
        NativeFrame entry = JniLibraries.jniEntry(thread);
        LoadedModule entryModule = entry == null ? null : bundle.moduleByPath(entry.modulePath());
        boolean loadedByJna = entryModule != null && entryModule.loadedBy() != null
                && JNA_NATIVE.equals(entryModule.loadedBy().javaClass());
        boolean jnaEntry = entry != null && entry.function() != null && entry.function().startsWith("Java_com_sun_jna_");
        JavaFrame caller = caller(frames, firstJava);
        if (caller == null) {
            return null;
        }
        if (first.className().startsWith("com.sun.jna.") || loadedByJna || jnaEntry) {
            String bridgeModule = entry == null ? null : entry.modulePath();
            String bridgeFrame = first.className().startsWith("com.sun.jna.") ? first.className() + "." + first.method()
                    : "a JNA direct-mapped native method";
            return new JavaCaller("JNA", bridgeFrame, bridgeModule, caller, jarOf(bundle, caller),
                    called(frames, firstJava, bridgeModule));
        }
        JavaFrame downcall = downcall(frames, firstJava);
        if (downcall != null && !first.nativeMethod()) { // FFM: the C function, the JVM's stub, then its Java frames
            return new JavaCaller("FFM", withoutHiddenSuffix(downcall.className()) + "." + downcall.method(), null,
                    caller, jarOf(bundle, caller), thread.topNativeFrame());
        }
        return null;
    }

    /** The innermost Java frame at or after {@code firstJava} that is not plumbing (bridge, proxies, reflection). */
    private static JavaFrame caller(List<Frame> frames, int firstJava) {
        for (Frame frame : frames.subList(firstJava, frames.size())) {
            if (frame instanceof JavaFrame java && !isPlumbing(java.className())) {
                return java;
            }
        }
        return null;
    }

    /** The FFM downcall's Java frame ({@code jdk.internal.foreign…}) among the plumbing frames, or null. */
    private static JavaFrame downcall(List<Frame> frames, int firstJava) {
        for (Frame frame : frames.subList(firstJava, frames.size())) {
            if (!(frame instanceof JavaFrame java) || !isPlumbing(java.className())) {
                return null;
            }
            if (java.className().startsWith("jdk.internal.foreign.")) {
                return java;
            }
        }
        return null;
    }

    private static boolean isPlumbing(String className) {
        for (String prefix : PLUMBING) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return className.contains("$Proxy");
    }

    /** The innermost native frame that is not in the bridge's library (the called function), else the top frame. */
    private static NativeFrame called(List<Frame> frames, int firstJava, String bridgeModule) {
        for (Frame frame : frames.subList(0, firstJava)) {
            NativeFrame nativeFrame = (NativeFrame) frame;
            if (nativeFrame.modulePath() != null && !nativeFrame.modulePath().equals(bridgeModule)) {
                return nativeFrame;
            }
        }
        return (NativeFrame) frames.get(0);
    }

    /** The code source of the caller's class, when that class loaded a library (the only classes whose jar the bundle knows). */
    private static String jarOf(Bundle bundle, JavaFrame caller) {
        for (LoadedModule module : bundle.modules()) {
            if (module.loadedBy() != null && caller.className().equals(module.loadedBy().javaClass())) {
                return module.loadedBy().jar();
            }
        }
        return null;
    }

    private static String withoutHiddenSuffix(String className) {
        int slash = className.indexOf('/');
        return slash < 0 ? className : className.substring(0, slash);
    }

    /** {@code dev.x.Y.m(Y.java:31)}: the caller as a Java stack trace names it, without the {@code at}. */
    String callerText() {
        String text = caller.javaStyle();
        return text.startsWith("at ") ? text.substring(3) : text;
    }
}
