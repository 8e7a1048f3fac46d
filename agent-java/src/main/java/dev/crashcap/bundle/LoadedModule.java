package dev.crashcap.bundle;

/**
 * An ELF file mapped into the crashed process ({@code module} line of the capture); {@code loadedBy} is the
 * Java code that loaded it, when the agent saw the load (null otherwise). {@code deleted}: the file was deleted or
 * replaced while it was mapped (the kernel's " (deleted)"), so the file at {@code path} is another one or none.
 */
public record LoadedModule(String path, long base, long size, String buildId, boolean deleted,
        LibraryCaller loadedBy) {

    private static final String DELETED_SUFFIX = " (deleted)";

    public LoadedModule(String path, long base, long size, String buildId, boolean deleted) {
        this(path, base, size, buildId, deleted, null);
    }

    public LoadedModule withLoadedBy(LibraryCaller caller) {
        return new LoadedModule(path, base, size, buildId, deleted, caller);
    }

    /**
     * Captures of older agents kept the kernel's " (deleted)" at the end of a path: it is no part of the path. Null
     * stays null.
     */
    public static String withoutDeletedSuffix(String path) {
        return path != null && path.startsWith("/") && path.endsWith(DELETED_SUFFIX)
                ? path.substring(0, path.length() - DELETED_SUFFIX.length()) : path;
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
