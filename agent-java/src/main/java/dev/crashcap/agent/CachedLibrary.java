package dev.crashcap.agent;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The start-up half of the library cache ({@link LibraryCache} has the whole story): where the cache folders are, and
 * whether one holds a copy of libcrashcap.so verified before, as its stamp records. This is all a -javaagent premain
 * runs when the cache is warm, so it is kept apart from the code that writes, compares and repairs: every class
 * premain loads from crashcap.jar is read, parsed and verified first (LibraryCache's 12 KiB and the two classes of its
 * byte supplier cost about 0.8 ms of each start, bench/AgentpathBench.java).
 */
final class CachedLibrary {
    static final int FOLDER_BITS = 0700;
    static final int FILE_BITS = 0500;
    static final String STAMP_FORMAT = "crashcap library stamp 1";
    /** The attributes a stamp records and the checks need. */
    static final String FILE_ATTRIBUTES = "unix:mode,uid,ino,dev,size,ctime,lastModifiedTime";

    private CachedLibrary() {}

    /**
     * The folders to try, best first: {@code $XDG_CACHE_HOME/crashcap} (if absolute), else
     * {@code ~/.cache/crashcap}; then {@code <java.io.tmpdir>/crashcap-<uid>}; then {@code .native} in the bundle
     * folder (already the agent's own), unless {@code bundleFolder} is null (not known yet).
     */
    static List<Path> candidates(String xdg, String home, String tmpdir, Path bundleFolder, long uid) {
        List<Path> folders = new ArrayList<>();
        if (xdg != null && xdg.startsWith("/")) {
            folders.add(Path.of(xdg, "crashcap"));
        } else if (home != null && home.startsWith("/") && !home.equals("/")) {
            folders.add(Path.of(home, ".cache", "crashcap"));
        }
        folders.add(Path.of(tmpdir == null || tmpdir.isEmpty() ? "/tmp" : tmpdir, "crashcap-" + uid));
        if (bundleFolder != null) folders.add(bundleFolder.resolve(".native"));
        return folders;
    }

    /**
     * $XDG_CACHE_HOME, or null. Read from /proc/self/environ, the environment the JVM started with, which is what
     * System.getenv holds too: System.getenv's first call copies the whole environment into maps (five classes not in
     * the JDK's class-data archive, 0.3 ms of premain on JDK 17, 0.6 ms on 25), for this one variable.
     */
    static String xdgCacheHome() {
        try {
            return xdgCacheHome(readAll(Path.of("/proc/self/environ")));
        } catch (IOException e) {
            return System.getenv("XDG_CACHE_HOME");
        }
    }

    /** XDG_CACHE_HOME's value in an environment block (NAME=value entries, each ended by a zero byte), or null. */
    static String xdgCacheHome(byte[] environment) {
        byte[] name = XDG_CACHE_HOME.getBytes(StandardCharsets.US_ASCII);
        for (int start = 0; start < environment.length; ) {
            int end = start;
            while (end < environment.length && environment[end] != 0) end++;
            if (end - start > name.length && startsWith(environment, start, name)) {
                return new String(environment, start + name.length, end - start - name.length, StandardCharsets.UTF_8);
            }
            start = end + 1;
        }
        return null;
    }

    private static final String XDG_CACHE_HOME = "XDG_CACHE_HOME=";

    private static boolean startsWith(byte[] bytes, int offset, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[offset + i] != prefix[i]) return false;
        }
        return true;
    }

    /** The user id of this process: the owner of its /proc entry. */
    static long ownUid() throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    }

    static Path file(Path folder, String sha256) {
        return folder.resolve("libcrashcap-" + sha256 + ".so");
    }

    static Path stamp(Path folder, String sha256) {
        return folder.resolve("libcrashcap-" + sha256 + ".so.verified");
    }

    /**
     * The library in {@code folder} if it can be loaded as it is: the folder a real directory of ours, mode 0700; the
     * file a regular file of ours, mode 0500, exactly as its stamp recorded it when its bytes were compared. Else
     * null, and {@link LibraryCache#ensure} makes it so. Nothing here writes.
     */
    static Path verified(Path folder, String sha256, long uid) {
        try {
            Map<String, Object> directory = Files.readAttributes(folder, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) directory.get("mode");
            if (!isDirectory(mode) || (mode & 07777) != FOLDER_BITS || uid(directory) != uid) return null;
            Path file = file(folder, sha256);
            Map<String, Object> found = Files.readAttributes(file, FILE_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            return stamped(stamp(folder, sha256), sha256, found, uid) ? file : null;
        } catch (IOException | RuntimeException e) {
            return null; // missing, or not to be read: the slow way finds out which
        }
    }

    /**
     * True if the stamp is a regular file of ours, not writable by others, and records exactly this file as it is
     * now, verified for this hash; and the file is still one that may be loaded.
     */
    static boolean stamped(Path stamp, String sha256, Map<String, Object> file, long uid) throws IOException {
        if (!loadable(file, uid)) return false;
        Map<String, Object> attributes = Files.readAttributes(stamp, "unix:mode,uid,size", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) attributes.get("mode");
        if (!isRegularFile(mode) || (mode & 0022) != 0 || uid(attributes) != uid || (Long) attributes.get("size") > 4096) {
            return false;
        }
        return stampText(sha256, file).equals(new String(readAll(stamp), StandardCharsets.US_ASCII));
    }

    /** What a stamp holds for a file: its identity and every time a change would move. */
    static String stampText(String sha256, Map<String, Object> file) {
        return STAMP_FORMAT + "\n" + sha256 + " " + file.get("dev") + " " + file.get("ino") + " " + file.get("size") + " "
                + nanos(file.get("lastModifiedTime")) + " " + nanos(file.get("ctime")) + "\n";
    }

    /** A regular file of ours, mode 0500: what may be loaded, whatever its bytes. */
    static boolean loadable(Map<String, Object> attributes, long uid) {
        int mode = (Integer) attributes.get("mode");
        return isRegularFile(mode) && (mode & 07777) == FILE_BITS && uid(attributes) == uid;
    }

    static long uid(Map<String, Object> attributes) {
        return ((Number) attributes.get("uid")).longValue();
    }

    /** FileInputStream, not Files.readAllBytes: no file channel classes loaded for this in premain. */
    static byte[] readAll(Path file) throws IOException {
        try (FileInputStream in = new FileInputStream(file.toString())) {
            return in.readAllBytes();
        }
    }

    static boolean isDirectory(int mode) {
        return (mode & 0170000) == 0040000;
    }

    static boolean isRegularFile(int mode) {
        return (mode & 0170000) == 0100000;
    }

    /** Through Instant: FileTime.to(TimeUnit) loads and initialises five more classes in premain (~0.2 ms). */
    private static long nanos(Object time) {
        Instant instant = ((FileTime) time).toInstant();
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
