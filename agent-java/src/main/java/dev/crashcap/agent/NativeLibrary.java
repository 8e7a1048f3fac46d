package dev.crashcap.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads libcrashcap.so from inside crashcap.jar, from a file that stays on disk in a private cache folder
 * ({@link LibraryCache}): gdb, core-file readers and the symbolisation of crashcap's own frames read it there.
 * A folder where the library cannot be kept, or where it cannot be loaded (a file system mounted noexec makes
 * System.load fail), is passed over for the next one: the user's cache folder, then a folder of the user's in
 * java.io.tmpdir, then one in the bundle folder, which the agent owns.
 */
public final class NativeLibrary {
    private static boolean loaded;

    private NativeLibrary() {}

    /**
     * Set by the {@code -agentpath} agent (agentpath.c) to the library's path: the JVM binds {@link NativeAgent}'s
     * native methods to an agent library when no library of the class loader has them, so a jar loaded later into
     * that JVM (crashcap dump, attach, a -javaagent as well) must not load a second copy, with handlers of its own.
     */
    static final String AGENTPATH_PROPERTY = "crashcap.agentpath";

    /**
     * Loads the library unless it is loaded already. The cache folders are tried first; the last resort, the bundle
     * folder, is known only once the options are parsed ({@code options}, {@code folderOverride} as for arming), so
     * they are parsed here in Java only when it comes to that.
     */
    static synchronized void load(String options, String folderOverride) throws AgentException {
        if (loaded) return;
        if (System.getProperty(AGENTPATH_PROPERTY) != null) {
            loaded = true;
            return;
        }
        // The library's SHA-256, compiled in at build time (LibraryHash, generated with the library): reading the jar's
        // .sha256 entry instead took ~2 ms of premain's thread (the code source's URI, a second ZipFile, an entry stream).
        String sha256 = LibraryHash.SHA256;
        long uid;
        try {
            uid = CachedLibrary.ownUid();
        } catch (IOException | RuntimeException e) {
            throw new AgentException("cannot load the native library: " + e.getMessage(), e);
        }
        List<Path> folders = cacheFolders(uid);
        for (Path folder : folders) { // the usual start: a copy verified before, loaded without a byte read
            Path verified = CachedLibrary.verified(folder, sha256, uid);
            if (verified != null && tryLoad(verified, new ArrayList<>())) return;
        }
        loadMadeCopy(folders, uid, options, folderOverride);
    }

    private static List<Path> cacheFolders(long uid) {
        return CachedLibrary.candidates(CachedLibrary.xdgCacheHome(), System.getProperty("user.home"),
                System.getProperty("java.io.tmpdir"), null, uid);
    }

    /**
     * The first start of this version (or a copy that failed its checks): the first folder where a copy can be made,
     * compared and loaded; the cache folders first, then the bundle folder, known only once the options are parsed.
     */
    private static void loadMadeCopy(List<Path> folders, long uid, String options, String folderOverride)
            throws AgentException {
        List<String> failures = new ArrayList<>();
        for (Path folder : folders) {
            if (tryLoadCopyIn(folder, uid, failures)) return;
        }
        if (tryLoadCopyIn(bundleFolder(options, folderOverride).resolve(".native"), uid, failures)) return;
        throw new AgentException("cannot load the native library from " + String.join("; ", failures));
    }

    /**
     * For {@code crashcap dump}'s native path (the CLI has the target load the library itself, docs/attach.md): the
     * library's copy in the first cache folder where one can be kept, as {@link #load} would load it, without loading
     * it here; null if there is none.
     */
    public static Path cachedCopy() {
        try {
            long uid = CachedLibrary.ownUid();
            for (Path folder : cacheFolders(uid)) {
                try {
                    return LibraryCache.jarCopyIn(folder, uid);
                } catch (IOException | RuntimeException e) {
                    // the next folder
                }
            }
        } catch (IOException | RuntimeException e) {
            // no copy: the Java agent's dump
        }
        return null;
    }

    private static boolean tryLoadCopyIn(Path folder, long uid, List<String> failures) {
        try {
            return tryLoad(LibraryCache.jarCopyIn(folder, uid), failures);
        } catch (IOException | RuntimeException e) {
            failures.add(folder + ": " + e.getMessage());
            return false;
        }
    }

    private static boolean tryLoad(Path file, List<String> failures) {
        try {
            System.load(file.toString());
            loaded = true;
            return true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            failures.add(file.getParent() + ": " + e.getMessage());
            return false;
        }
    }

    /** The bundle folder the native arming will use (AgentOptions, PrivateFolder: the same rules), prepared. */
    private static Path bundleFolder(String options, String folderOverride) throws AgentException {
        AgentOptions parsed = AgentOptions.parse(options, System.getProperties(), System.getenv());
        return PrivateFolder.prepare((folderOverride.isEmpty() ? parsed : parsed.withDir(folderOverride)).bundleFolder());
    }

    static String platform() throws AgentException {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) throw new AgentException("unsupported operating system: " + os);
        switch (arch) {
            case "amd64", "x86_64": return "linux-x86_64";
            case "aarch64", "arm64": return "linux-aarch64";
            default: throw new AgentException("unsupported processor: " + arch);
        }
    }
}
