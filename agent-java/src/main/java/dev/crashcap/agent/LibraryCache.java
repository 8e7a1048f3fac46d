package dev.crashcap.agent;

import dev.crashcap.collector.SafeFiles;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Where libcrashcap.so lives on disk while a JVM runs with it: a private folder of the user's, the file named by its
 * content's SHA-256 ({@code libcrashcap-<sha256>.so}). The file stays, so that gdb, core-file readers and crashcap's
 * own symbolisation can read the library a process has mapped (a file deleted after loading leaves them nothing:
 * no {@code .eh_frame}, no {@code .symtab}), and the next JVM of the same version finds it ready.
 *
 * <p>Nothing found there is trusted without checking: the folder must be the user's own, a real directory (not a
 * symbolic link), mode 0700 (an owned folder with a wider mode is narrowed first); the file must be a regular file
 * of the user's, mode 0500, and hold exactly the library's bytes. Anything else is replaced: the bytes are written to
 * a temporary file in the same folder, which is then linked to the final name (a link never replaces an existing
 * file, so a JVM that has just loaded the file is not left with a deleted one), or renamed over a file that failed
 * the checks. Old versions are not removed (about 100 KiB each): a running JVM may still use one.
 *
 * <p>The bytes are compared with the jar's copy once; what was verified is then written down next to the file, in a
 * stamp ({@code libcrashcap-<sha256>.so.verified}, the user's, mode 0600): the hash, and the file's device, inode,
 * size, modification and status-change times. A later start that finds the file with exactly that identity reuses it
 * without reading a byte of either copy (inflating and comparing ~100 KiB in premain, in the interpreter, cost
 * several milliseconds of CPU at every start: bench/StartupBench.java). Why that is as good as comparing: any write
 * to the file, a chmod, a rename over it or a new link changes its status-change time (ctime) or its inode, and no
 * system call sets ctime back; only processes of the same user (or root) can write in the 0700 folder at all, and
 * they could as well change crashcap.jar itself. A stamp that is missing, not the user's, or does not match the file
 * exactly means the full comparison, as before, and a new stamp.
 */
final class LibraryCache {
    static final String FOLDER_MODE = "rwx------";
    static final String FILE_MODE = "r-x------";
    private static final int FOLDER_BITS = 0700;
    private static final int FILE_BITS = 0500;
    private static final String STAMP_FORMAT = "crashcap library stamp 1";
    private static final String FILE_ATTRIBUTES = "unix:mode,uid,ino,dev,size,ctime,lastModifiedTime";

    /** The library's bytes as the jar holds them, read only when the cached copy must be compared or written. */
    interface Bytes {
        byte[] read() throws IOException;
    }

    private LibraryCache() {}

    /**
     * The folders to try, best first: {@code $XDG_CACHE_HOME/crashcap} (if absolute), else
     * {@code ~/.cache/crashcap}; then {@code <java.io.tmpdir>/crashcap-<uid>}; then {@code .native} in the bundle
     * folder (already the agent's own), unless {@code bundleFolder} is null (not known yet).
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
        if (bundleFolder != null) folders.add(bundleFolder.resolve(".native"));
        return folders;
    }

    /** The user id of this process: the owner of its /proc entry. */
    static long ownUid() throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    }

    /**
     * The jar's copy of a resource, whole; an IOException if it is missing. Read with ZipFile from the jar this class
     * came from (the class loader has it open already): getResourceAsStream would go through jar: URLs, whose
     * connection classes are not in the JDK's class-data archive and are loaded for this alone, in premain.
     */
    static byte[] resource(String name) throws IOException {
        File jar = ownJar();
        if (jar != null) {
            try (ZipFile zip = new ZipFile(jar)) {
                ZipEntry entry = zip.getEntry(name.substring(1));
                if (entry != null) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        return in.readAllBytes();
                    }
                }
            }
        }
        try (InputStream in = LibraryCache.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("crashcap.jar has no " + name);
            return in.readAllBytes();
        }
    }

    /** The jar this class was loaded from, or null (a classes folder, or not to be known). */
    private static File ownJar() {
        try {
            CodeSource source = LibraryCache.class.getProtectionDomain().getCodeSource();
            URL location = source == null ? null : source.getLocation();
            if (location == null || !"file".equals(location.getProtocol()) || !location.getPath().endsWith(".jar")) {
                return null;
            }
            return new File(location.toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The library in {@code folder} ({@code libcrashcap-<sha256>.so}), checked or written anew. An IOException
     * when the folder cannot be used (not ours, a link, not writable, full).
     */
    static Path ensure(Path folder, String sha256, Bytes library, long uid) throws IOException {
        privateFolder(folder, uid);
        Path file = folder.resolve("libcrashcap-" + sha256 + ".so");
        Path stamp = folder.resolve("libcrashcap-" + sha256 + ".so.verified");
        Map<String, Object> found = fileAttributes(file);
        if (found != null && stamped(stamp, sha256, found, uid)) return file;

        byte[] bytes = library.read();
        if (!holds(file, bytes, uid)) write(folder, file, sha256, bytes, uid);
        // Read after the temporary's link is gone (its unlink moved the file's ctime), and again after the bytes were
        // compared: the stamp records a file only if nothing changed it while it was being checked.
        Map<String, Object> before = fileAttributes(file);
        if (before == null || !holds(file, bytes, uid)) throw new IOException("cannot keep the library in " + folder);
        if (before.equals(fileAttributes(file))) writeStamp(folder, stamp, sha256, before);
        return file;
    }

    private static void write(Path folder, Path file, String sha256, byte[] library, long uid) throws IOException {
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
    }

    /** Creates the folder (0700) or checks the one there: a directory of ours, not a link; narrows a wider mode. */
    private static void privateFolder(Path folder, long uid) throws IOException {
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(folder, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            SafeFiles.privateDirectory(folder.getParent()); // parents it makes are 0700 too, whatever the umask
            try {
                Files.createDirectory(folder,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(FOLDER_MODE)));
            } catch (FileAlreadyExistsException made) {
                // made by another JVM at the same moment: checked below like any folder found there
            }
            attributes = Files.readAttributes(folder, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
        }
        int mode = (Integer) attributes.get("mode");
        if (!isDirectory(mode)) throw new IOException(folder + " is not a directory");
        if (((Number) attributes.get("uid")).longValue() != uid) throw new IOException(folder + " belongs to another user");
        if ((mode & 07777) != FOLDER_BITS) {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString(FOLDER_MODE));
        }
    }

    /** The attributes a stamp records and the checks need, not following a link; null if there is no such file. */
    private static Map<String, Object> fileAttributes(Path file) throws IOException {
        try {
            return Files.readAttributes(file, FILE_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** A regular file of ours, mode 0500: what may be loaded, whatever its bytes. */
    private static boolean loadable(Map<String, Object> attributes, long uid) {
        int mode = (Integer) attributes.get("mode");
        return isRegularFile(mode) && (mode & 07777) == FILE_BITS && ((Number) attributes.get("uid")).longValue() == uid;
    }

    /** True if {@code file} is a regular file of ours, mode 0500, with exactly these bytes. */
    static boolean holds(Path file, byte[] library, long uid) throws IOException {
        Map<String, Object> attributes = fileAttributes(file);
        if (attributes == null || !loadable(attributes, uid) || (Long) attributes.get("size") != library.length) {
            return false;
        }
        return Arrays.equals(readAll(file), library);
    }

    /** The line a stamp records for a file: its identity and every time a change would move. */
    private static String identity(String sha256, Map<String, Object> attributes) {
        return sha256 + " " + attributes.get("dev") + " " + attributes.get("ino") + " " + attributes.get("size") + " "
                + nanos(attributes.get("lastModifiedTime")) + " " + nanos(attributes.get("ctime"));
    }

    private static long nanos(Object time) {
        return ((FileTime) time).to(TimeUnit.NANOSECONDS);
    }

    /**
     * True if the stamp is a regular file of ours, not writable by others, and records exactly this file as it is
     * now, verified for this hash; and the file is still one that may be loaded.
     */
    static boolean stamped(Path stamp, String sha256, Map<String, Object> file, long uid) throws IOException {
        if (!loadable(file, uid)) return false;
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(stamp, "unix:mode,uid,size", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return false;
        }
        int mode = (Integer) attributes.get("mode");
        if (!isRegularFile(mode) || (mode & 0022) != 0 || ((Number) attributes.get("uid")).longValue() != uid
                || (Long) attributes.get("size") > 4096) {
            return false;
        }
        String expected = STAMP_FORMAT + "\n" + identity(sha256, file) + "\n";
        return expected.equals(new String(readAll(stamp), StandardCharsets.US_ASCII));
    }

    /** Replaces the stamp at once (rename): a JVM reading it sees the old one or the new one, whole. */
    private static void writeStamp(Path folder, Path stamp, String sha256, Map<String, Object> file) throws IOException {
        Path temporary = folder.resolve(".stamp-" + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            Files.write(temporary, (STAMP_FORMAT + "\n" + identity(sha256, file) + "\n").getBytes(StandardCharsets.US_ASCII),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            Files.move(temporary, stamp, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            // Without a stamp the next start compares the bytes again: slower, never wrong.
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** FileInputStream, not Files.readAllBytes: no file channel classes loaded for this in premain. */
    private static byte[] readAll(Path file) throws IOException {
        try (FileInputStream in = new FileInputStream(file.toString())) {
            return in.readAllBytes();
        }
    }

    private static boolean isDirectory(int mode) {
        return (mode & 0170000) == 0040000;
    }

    private static boolean isRegularFile(int mode) {
        return (mode & 0170000) == 0100000;
    }
}
