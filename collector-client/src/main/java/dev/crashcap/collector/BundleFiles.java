package dev.crashcap.collector;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * Reading a bundle folder without trusting it: someone who can write into a shared bundle folder could plant
 * symbolic links to files they may not read (then root's {@code crashcap upload} would zip and ship them) or whole
 * bundle folders. So:
 * <ul>
 *   <li>nothing inside a bundle is followed if it is a symbolic link: every file is opened with
 *       {@code O_NOFOLLOW} ({@link LinkOption#NOFOLLOW_LINKS}), every test for "is a file" does not follow;</li>
 *   <li>a bundle folder is used only if it is a real directory (not a link) owned by the user running crashcap,
 *       or, when root runs it, by anyone: root then acts for that user, the crashed process's (the folder is the
 *       one the dying process created), and reads only files that user owns ({@link #ownedBy}).</li>
 * </ul>
 * Hard links to other users' files cannot be made on Linux with {@code fs.protected_hardlinks=1} (the default);
 * the owner test catches them where it is off.
 */
public final class BundleFiles {
    private static final int ROOT = 0;
    private static volatile Integer currentUid;

    private BundleFiles() {
    }

    /** The effective uid of this process (the owner of {@code /proc/self}). */
    public static int currentUid() {
        Integer uid = currentUid;
        if (uid == null) {
            try {
                uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            } catch (IOException | RuntimeException e) {
                uid = -1; // no procfs: no owner matches, so only root's own checks pass; Linux always has it
            }
            currentUid = uid;
        }
        return uid;
    }

    /**
     * Why {@code folder} must not be used as a bundle folder, or null if it may: a symbolic link, not a directory, or
     * owned by another user (unless root runs crashcap).
     */
    public static String refusal(Path folder) {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(folder, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            return "cannot be read (" + e.getClass().getSimpleName() + ")";
        }
        if (attributes.isSymbolicLink()) {
            return "is a symbolic link; crashcap does not follow links in bundle folders";
        }
        if (!attributes.isDirectory()) {
            return "is not a directory";
        }
        int owner = uidOf(folder);
        int me = currentUid();
        if (me != ROOT && owner != me) {
            return "is owned by uid " + owner + ", not by the user running crashcap (uid " + me + ")";
        }
        return null;
    }

    /** The owner of {@code path} itself (a link is not followed), or -1 if it cannot be read. */
    public static int uidOf(Path path) {
        try {
            return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** True if {@code path} is a regular file itself, not a symbolic link to one. */
    public static boolean isPlainFile(Path path) {
        return Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS);
    }

    /** True if {@code path} is a regular file (not a link) owned by {@code uid}. */
    public static boolean ownedBy(Path path, int uid) {
        return isPlainFile(path) && uidOf(path) == uid;
    }

    /**
     * Opens a file for reading without following a symbolic link ({@code O_NOFOLLOW}: a link fails to open). Only a
     * regular file is opened: opening a FIFO planted in a bundle would block until someone writes to it, and a
     * device may never end. Java cannot open with {@code O_NONBLOCK} or fstat an open channel, so the type is
     * checked just before the open; a FIFO swapped in between the two is the one case left, and it needs a user who
     * can write into the bundle folder, which {@link #refusal} limits to the owner.
     */
    public static InputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + " is not a regular file");
        }
        return Channels.newInputStream(Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
    }

    /** The whole file, read as {@link #open} does; refused if it is larger than {@code maxBytes}. */
    public static byte[] read(Path file, long maxBytes) throws IOException {
        try (InputStream in = open(file)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, maxBytes) + 1L));
            if (bytes.length > maxBytes) {
                throw new IOException(file + " is larger than " + maxBytes + " bytes");
            }
            return bytes;
        }
    }
}
