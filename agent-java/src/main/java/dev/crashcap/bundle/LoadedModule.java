package dev.crashcap.bundle;

/**
 * An ELF file mapped into the crashed process ({@code module} line of the capture); {@code loadedBy} is the
 * Java code that loaded it, when the agent saw the load (null otherwise).
 */
public record LoadedModule(String path, long base, long size, String buildId, LibraryCaller loadedBy) {

    public LoadedModule(String path, long base, long size, String buildId) {
        this(path, base, size, buildId, null);
    }

    public LoadedModule withLoadedBy(LibraryCaller caller) {
        return new LoadedModule(path, base, size, buildId, caller);
    }

    /** The file name of the path: {@code libc.so.6}, {@code [vdso]}. */
    public String name() {
        return nameOf(path);
    }

    /** True if {@code pc} lies in {@code [base, base + size)}, comparing as unsigned addresses. */
    public boolean contains(long pc) {
        return Long.compareUnsigned(pc, base) >= 0 && Long.compareUnsigned(pc - base, size) < 0;
    }

    /** The file name of a module path, by string rules: parsed paths may hold bytes no {@code Path} accepts. */
    public static String nameOf(String path) {
        if (path == null) {
            return null;
        }
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
