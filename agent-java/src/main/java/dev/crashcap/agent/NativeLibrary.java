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
        String resource = "/native/" + platform() + "/libcrashcap.so";
        JarCopy library = new JarCopy(resource);
        // The library's SHA-256, compiled in at build time (LibraryHash, generated with the library): reading the jar's
        // .sha256 entry instead took ~2 ms of premain's thread (the code source's URI, a second ZipFile, an entry stream).
        String sha256 = LibraryHash.SHA256;
        long uid;
        try {
            uid = LibraryCache.ownUid();
        } catch (IOException | RuntimeException e) {
            throw new AgentException("cannot load the native library: " + e.getMessage(), e);
        }
        List<String> failures = new ArrayList<>();
        for (Path folder : LibraryCache.candidates(System.getenv(), System.getProperty("user.home"),
                System.getProperty("java.io.tmpdir"), null, uid)) {
            if (tryLoad(folder, sha256, library, uid, failures)) return;
        }
        if (tryLoad(bundleFolder(options, folderOverride).resolve(".native"), sha256, library, uid, failures)) return;
        throw new AgentException("cannot load the native library from " + String.join("; ", failures));
    }

    /**
     * For {@code crashcap dump}'s native path (the CLI has the target load the library itself, docs/attach.md): the
     * library's copy in the first cache folder where one can be kept, as {@link #load} would load it, without loading
     * it here; null if there is none.
     */
    public static Path cachedCopy() {
        try {
            String resource = "/native/" + platform() + "/libcrashcap.so";
            JarCopy library = new JarCopy(resource);
            String sha256 = LibraryHash.SHA256;
            long uid = LibraryCache.ownUid();
            for (Path folder : LibraryCache.candidates(System.getenv(), System.getProperty("user.home"),
                    System.getProperty("java.io.tmpdir"), null, uid)) {
                try {
                    return LibraryCache.ensure(folder, sha256, library, uid);
                } catch (IOException | RuntimeException e) {
                    // the next folder
                }
            }
        } catch (AgentException | IOException | RuntimeException e) {
            // no copy: the Java agent's dump
        }
        return null;
    }

    private static boolean tryLoad(Path folder, String sha256, JarCopy library, long uid, List<String> failures) {
        try {
            System.load(LibraryCache.ensure(folder, sha256, library, uid).toString());
            loaded = true;
            return true;
        } catch (IOException | UnsatisfiedLinkError | RuntimeException e) {
            failures.add(folder + ": " + e.getMessage());
            return false;
        }
    }

    /** The bundle folder the native arming will use (AgentOptions, PrivateFolder: the same rules), prepared. */
    private static Path bundleFolder(String options, String folderOverride) throws AgentException {
        AgentOptions parsed = AgentOptions.parse(options, System.getProperties(), System.getenv());
        return PrivateFolder.prepare((folderOverride.isEmpty() ? parsed : parsed.withDir(folderOverride)).bundleFolder());
    }

    /** The jar's copy of the library, read once and only if a cache folder needs it. */
    private static final class JarCopy implements LibraryCache.Bytes {
        private final String resource;
        private byte[] bytes;

        JarCopy(String resource) {
            this.resource = resource;
        }

        @Override
        public byte[] read() throws IOException {
            if (bytes == null) bytes = LibraryCache.resource(resource);
            return bytes;
        }
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
