package dev.crashcap.report;

import dev.crashcap.bundle.Frame;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.bundle.ThreadInfo;
import java.util.List;
import java.util.Set;

/**
 * Modules that are rarely the culprit: the C library and loader, the C++ runtime, the JVM itself and crashcap's
 * own library. A crash that passes through them is blamed on the first module outside this list.
 */
public final class SystemModules {
    private static final List<String> PREFIXES = List.of("libc.so", "libc-", "libpthread", "ld-linux", "ld-musl",
            "libdl.so", "libdl-", "libm.so", "libm-", "libstdc++", "libgcc_s", "librt.so", "librt-");

    // Exact names, not a libcrashcap* pattern: that would also match the test library libcrashcaptest.so.
    private static final Set<String> NAMES = Set.of("libjvm.so", "libjava.so", "libjli.so", "[vdso]",
            "libcrashcap.so");

    private SystemModules() {
    }

    /**
     * The innermost native frame outside libc and the C++ runtime: past abort's machinery (raise, abort,
     * malloc_printerr) and the runtime's (std::terminate, __cxa_throw), the code that called abort, freed twice or
     * threw. Null if none, or no thread.
     */
    static NativeFrame firstOutsideLibcAndCxxRuntime(ThreadInfo thread) {
        if (thread == null) {
            return null;
        }
        for (Frame frame : thread.frames()) {
            if (frame instanceof NativeFrame nativeFrame && nativeFrame.moduleName() != null
                    && !isLibc(nativeFrame.moduleName()) && !isCxxRuntime(nativeFrame.moduleName())) {
                return nativeFrame;
            }
        }
        return null;
    }

    /** True for a module name (file name, not path) of the system or the JVM. */
    public static boolean isSystem(String name) {
        if (NAMES.contains(name) || name.startsWith("libcrashcap.so.") || name.startsWith("libcrashcap-")) {
            return true;
        }
        for (String prefix : PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** True for crashcap's own library (its file name carries a content hash: libcrashcap-<sha256>.so). */
    public static boolean isCrashcap(String name) {
        return name.equals("libcrashcap.so") || name.startsWith("libcrashcap.so.") || name.startsWith("libcrashcap-");
    }

    /** True for the C++ runtime: libstdc++ (std::terminate, __cxa_throw) and libgcc_s (the unwinder). */
    public static boolean isCxxRuntime(String name) {
        return name.startsWith("libstdc++") || name.startsWith("libgcc_s");
    }

    /** True for the C library, where glibc's allocator lives. */
    public static boolean isLibc(String name) {
        return name.startsWith("libc.so") || name.startsWith("libc-") || name.startsWith("ld-musl");
    }
}
