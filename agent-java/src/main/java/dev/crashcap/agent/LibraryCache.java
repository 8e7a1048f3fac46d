package dev.crashcap.agent;

import dev.crashcap.collector.SafeFiles;
import java.io.File;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.security.CodeSource;
import java.util.Arrays;
import java.util.Map;
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
 *
 * <p>A start with a warm cache runs only {@link CachedLibrary}, the check of the folder and the stamp; this class is
 * loaded when a folder must be made, narrowed, or written, or a copy compared.
 */
final class LibraryCache {
    static final String FOLDER_MODE = "rwx------";
    static final String FILE_MODE = "r-x------";

    /** The library's bytes as the jar holds them, read only when the cached copy must be compared or written. */
    interface Bytes {
        byte[] read() throws IOException;
    }

    private LibraryCache() {}

    /** The jar's own library ({@link NativeLibrary#platform}) in {@code folder}, checked or written anew, as {@link #ensure}. */
    static Path jarCopyIn(Path folder, long uid) throws IOException {
        return ensure(folder, LibraryHash.SHA256, JarCopy.INSTANCE, uid);
    }

    /** The jar's copy of the library, read once and only if a cache folder needs it. */
    private static final class JarCopy implements Bytes {
        static final JarCopy INSTANCE = new JarCopy();
        private byte[] bytes;

        @Override
        public synchronized byte[] read() throws IOException {
            if (bytes == null) {
                try {
                    bytes = resource("/native/" + NativeLibrary.platform() + "/libcrashcap.so");
                } catch (AgentException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
            return bytes;
        }
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
        Path verified = CachedLibrary.verified(folder, sha256, uid);
        if (verified != null) return verified;
        Path file = CachedLibrary.file(folder, sha256);

        byte[] bytes = library.read();
        if (!holds(file, bytes, uid)) write(folder, file, sha256, bytes, uid);
        // Read after the temporary's link is gone (its unlink moved the file's ctime), and again after the bytes were
        // compared: the stamp records a file only if nothing changed it while it was being checked.
        Map<String, Object> before = fileAttributes(file);
        if (before == null || !holds(file, bytes, uid)) throw new IOException("cannot keep the library in " + folder);
        if (before.equals(fileAttributes(file))) writeStamp(folder, CachedLibrary.stamp(folder, sha256), sha256, before);
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
        if (!CachedLibrary.isDirectory(mode)) throw new IOException(folder + " is not a directory");
        if (CachedLibrary.uid(attributes) != uid) throw new IOException(folder + " belongs to another user");
        if ((mode & 07777) != CachedLibrary.FOLDER_BITS) {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString(FOLDER_MODE));
        }
    }

    /** The attributes a stamp records and the checks need, not following a link; null if there is no such file. */
    private static Map<String, Object> fileAttributes(Path file) throws IOException {
        try {
            return Files.readAttributes(file, CachedLibrary.FILE_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** True if {@code file} is a regular file of ours, mode 0500, with exactly these bytes. */
    static boolean holds(Path file, byte[] library, long uid) throws IOException {
        Map<String, Object> attributes = fileAttributes(file);
        if (attributes == null || !CachedLibrary.loadable(attributes, uid) || (Long) attributes.get("size") != library.length) {
            return false;
        }
        return Arrays.equals(CachedLibrary.readAll(file), library);
    }

    /** Replaces the stamp at once (rename): a JVM reading it sees the old one or the new one, whole. */
    private static void writeStamp(Path folder, Path stamp, String sha256, Map<String, Object> file) throws IOException {
        Path temporary = folder.resolve(".stamp-" + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            Files.write(temporary, CachedLibrary.stampText(sha256, file).getBytes(StandardCharsets.US_ASCII),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            Files.move(temporary, stamp, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            // Without a stamp the next start compares the bytes again: slower, never wrong.
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
