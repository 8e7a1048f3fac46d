package dev.crashcap.report;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Frame;
import dev.crashcap.bundle.JavaFrame;
import dev.crashcap.bundle.LibraryCaller;
import dev.crashcap.bundle.LoadedModule;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.bundle.ThreadInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JNI libraries of the process, the usual culprits of a crash inside the JVM: the JVM's own code rarely faults,
 * but a JNI library that writes past an array it got from GetPrimitiveArrayCritical, or hands the JVM a deleted or
 * made-up reference, makes the JVM fault later, often on another thread (a GC thread). In order, strongest first:
 * <ol>
 *   <li>libraries on the crashing thread's stack;</li>
 *   <li>the library whose native method another thread was running (the native frame just before its Java frames);</li>
 *   <li>libraries on any other thread's stack (a thread a native library started, say);</li>
 *   <li>libraries that application code loaded (the agent saw the load: a class with a code source, not the JDK's).</li>
 * </ol>
 * System modules ({@link SystemModules}) and the JDK's own libraries (under {@code java.home}) are left out.
 */
final class JniLibraries {
    private JniLibraries() {
    }

    static List<Suspect> of(Bundle bundle) {
        Map<String, Suspect> found = new LinkedHashMap<>();
        String javaHome = bundle.header().javaHome();
        ThreadInfo crashing = bundle.crashingThread();
        if (crashing != null) {
            for (Frame frame : crashing.frames()) {
                if (frame instanceof NativeFrame nativeFrame) {
                    add(bundle, found, javaHome, nativeFrame.modulePath(), "on the crashing thread's stack");
                }
            }
        }
        for (ThreadInfo thread : bundle.threads()) {
            NativeFrame entry = jniEntry(thread);
            if (thread != crashing && entry != null) {
                add(bundle, found, javaHome, entry.modulePath(), "in a native method on thread " + name(thread));
            }
        }
        for (ThreadInfo thread : bundle.threads()) {
            for (Frame frame : thread.frames()) {
                if (thread != crashing && frame instanceof NativeFrame nativeFrame) {
                    add(bundle, found, javaHome, nativeFrame.modulePath(), "on the stack of thread " + name(thread));
                }
            }
        }
        for (LoadedModule module : bundle.modules()) {
            LibraryCaller caller = module.loadedBy();
            if (caller != null && caller.javaClass() != null && caller.jar() != null) {
                add(bundle, found, javaHome, module.path(), "loaded by " + caller.javaClass());
            }
        }
        return new ArrayList<>(found.values());
    }

    private static String name(ThreadInfo thread) {
        return thread.name() == null ? String.valueOf(thread.tid()) : "\"" + thread.name() + "\"";
    }

    /** The native frame just before a thread's first Java frame: the native method's implementation, or null. */
    static NativeFrame jniEntry(ThreadInfo thread) {
        NativeFrame last = null;
        for (Frame frame : thread.frames()) {
            if (frame instanceof JavaFrame) {
                return last;
            }
            NativeFrame nativeFrame = (NativeFrame) frame;
            if (nativeFrame.modulePath() != null) {
                last = nativeFrame;
            }
        }
        return null;
    }

    private static void add(Bundle bundle, Map<String, Suspect> found, String javaHome, String path, String why) {
        if (path == null || found.containsKey(path)) {
            return;
        }
        String name = dev.crashcap.bundle.LoadedModule.nameOf(path);
        if (SystemModules.isSystem(name) || javaHome != null && !javaHome.isEmpty() && path.startsWith(javaHome + "/")) {
            return;
        }
        LoadedModule module = bundle.moduleByPath(path);
        found.put(path, new Suspect(name, path, why, module == null ? null : module.loadedBy()));
    }
}
