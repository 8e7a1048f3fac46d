package dev.crashcap.agent;

import dev.crashcap.collector.SafeFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where libcrashcap.so lives on disk while a JVM runs with it: a private folder of the user's, the file named by its
 * content's SHA-256 ({@code libcrashcap-<sha256>.so}). The file stays, so that gdb, core-file readers and crashcap's
 * own symbolisation can read the library a process has mapped (a file deleted after loading leaves them nothing:
 * no {@code .eh_frame}, no {@code .symtab}), and the next JVM of the same version finds it ready.
 *
 * <p>Nothing found there is trusted without checking: the folder must be the user's own, a real directory (not a
 * symbolic link), mode 0700 (an owned folder with a wider mode is narrowed first); the file must be a regular file
 * of the user's, mode 0500, and hold exactly the library's bytes (compared with the jar's copy: no digest needs to
 * be computed at start-up, the name's hash is computed at build time). Anything else is replaced: the bytes are
 * written to a temporary file in the same folder, which is then linked to the final name (a link never replaces an
 * existing file, so a JVM that has just loaded the file is not left with a deleted one), or renamed over a file
 * that failed the checks. Old versions are not removed (about 100 KiB each): a running JVM may still use one.
 */
final class LibraryCache {
    static final String FOLDER_MODE = "rwx------";
    static final String FILE_MODE = "r-x------";

    private LibraryCache() {}

    /**
     * The folders to try, best first: {@code $XDG_CACHE_HOME/crashcap} (if absolute), else
     * {@code ~/.cache/crashcap}; then {@code <java.io.tmpdir>/crashcap-<uid>}; then {@code .native} in the bundle
     * folder (already the agent's own).
     */
    static List<Path> candidates(Map<String, String> env, String home, String tmpdir, Path bundleFolder, long uid) {
        List<Path> folders = new ArrayList<>();
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && xdg.startsWith("/")) {
            folders.add(Path.of(xdg, "crashcap"));
        } else if (home != null && home.startsWith("/") && !home.equals("/")) {
            folders.add(Path.of(home, ".cache", "crashcap"));
        }
        folders.add(Path.of(tmpdir == null || tmpdir.isEmpty() ? "/tmp" : tmpdir, "crashcap-" + uid));
        folders.add(bundleFolder.resolve(".native"));
        return folders;
    }

    /** The user id of this process: the owner of its /proc entry. */
    static long ownUid() throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    }

    /** The jar's copy of a resource, whole; an IOException if it is missing. */
    static byte[] resource(String name) throws IOException {
        try (InputStream in = LibraryCache.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("crashcap.jar has no " + name);
            return in.readAllBytes();
        }
    }

    /**
     * The library in {@code folder} ({@code libcrashcap-<sha256>.so}), checked or written anew. An IOException
     * when the folder cannot be used (not ours, a link, not writable, full).
     */
    static Path ensure(Path folder, byte[] library, String sha256, long uid) throws IOException {
        privateFolder(folder, uid);
        Path file = folder.resolve("libcrashcap-" + sha256 + ".so");
        if (holds(file, library, uid)) return file;
        Path temporary = folder.resolve(".libcrashcap-" + sha256 + "-" + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            Files.write(temporary, library, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString(FILE_MODE));
            try {
                Files.createLink(file, temporary);
            } catch (FileAlreadyExistsException e) {
                // Another JVM may have written it just now; if not, what is there failed the checks: replace it.
                if (!holds(file, library, uid)) Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (UnsupportedOperationException | IOException e) {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE); // a file system without hard links
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
        if (!holds(file, library, uid)) throw new IOException("cannot keep the library in " + folder);
        return file;
    }

    /** Creates the folder (0700) or checks the one there: a directory of ours, not a link; narrows a wider mode. */
    private static void privateFolder(Path folder, long uid) throws IOException {
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            SafeFiles.privateDirectory(folder.getParent()); // parents it makes are 0700 too, whatever the umask
            try {
                Files.createDirectory(folder,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(FOLDER_MODE)));
            } catch (FileAlreadyExistsException e) {
                // made by another JVM at the same moment: checked below like any folder found there
            }
        }
        PosixFileAttributes attributes =
                Files.readAttributes(folder, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory()) throw new IOException(folder + " is not a directory");
        if (owner(folder) != uid) throw new IOException(folder + " belongs to another user");
        Set<PosixFilePermission> wanted = PosixFilePermissions.fromString(FOLDER_MODE);
        if (!attributes.permissions().equals(wanted)) Files.setPosixFilePermissions(folder, wanted);
    }

    /** True if {@code file} is a regular file of ours, mode 0500, with exactly these bytes. */
    static boolean holds(Path file, byte[] library, long uid) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
        if (!attributes.isRegularFile() || attributes.size() != library.length || owner(file) != uid
                || !attributes.permissions().equals(PosixFilePermissions.fromString(FILE_MODE))) {
            return false;
        }
        return Arrays.equals(Files.readAllBytes(file), library);
    }

    private static long owner(Path path) throws IOException {
        return ((Number) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
    }
}
