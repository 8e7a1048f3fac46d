package dev.crashcap.bundle;

import dev.crashcap.collector.BundleFiles;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/** Finds and reads the bundle a user names: a bundle directory, or the {@code capture.txt} inside one. */
public final class BundleLocator {
    /** The file the signal handler writes in every bundle directory. */
    public static final String CAPTURE_FILE = "capture.txt";

    // Real captures are a few MiB at most (threads x frames); refusing huge files keeps a wrong path from
    // turning into an OutOfMemoryError.
    private static final long MAX_CAPTURE_BYTES = 512L * 1024 * 1024;

    private BundleLocator() {
    }

    public static Bundle load(String path) throws BundleException {
        try {
            return load(Path.of(path));
        } catch (InvalidPathException e) {
            throw new BundleException("no such file: " + path);
        }
    }

    public static Bundle load(Path path) throws BundleException {
        try {
            Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (AccessDeniedException e) {
            throw new BundleException("cannot read " + path + ": permission denied (a folder on the way is closed to"
                    + " this user)", e);
        } catch (IOException e) {
            throw new BundleException("no such file: " + path);
        }
        boolean isDirectory = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
        Path directory = isDirectory ? path : parentOf(path);
        Path capture = isDirectory ? path.resolve(CAPTURE_FILE) : path;
        refuseUntrusted(directory, capture);
        if (!BundleFiles.isPlainFile(capture)) {
            String hint = holdsBundles(path) ? "; it holds bundles: see crashcap list " + path : "";
            throw new BundleException("not a crashcap bundle: " + path + " (it has no " + CAPTURE_FILE + hint + ")");
        }
        Bundle bundle = CaptureParser.parse(read(capture), directory.toAbsolutePath().normalize(), path.toString());
        return withLocks(bundle, directory.resolve(LocksParser.FILE));
    }

    /**
     * Refuses a bundle that someone other than its owner could have planted or changed: a symbolic link (the bundle
     * folder or its capture), a folder owned by another user (unless root runs crashcap), a capture owned by another
     * user than its folder (BundleFiles, docs/ship.md).
     */
    private static void refuseUntrusted(Path directory, Path capture) throws BundleException {
        if (Files.isSymbolicLink(capture)) {
            throw new BundleException("refused " + capture + ": it is a symbolic link; crashcap does not follow links"
                    + " in bundle folders");
        }
        String refusal = BundleFiles.refusal(directory);
        if (refusal != null) {
            throw new BundleException("refused bundle " + directory + ": it " + refusal);
        }
        int owner = BundleFiles.uidOf(directory);
        if (BundleFiles.isPlainFile(capture) && BundleFiles.uidOf(capture) != owner) {
            throw new BundleException("refused " + capture + ": it is owned by uid " + BundleFiles.uidOf(capture)
                    + ", its folder by uid " + owner);
        }
    }

    /** A snapshot's locks.txt, if it has one; a bundle without it (a crash, an older agent) is read all the same. */
    private static Bundle withLocks(Bundle bundle, Path locksFile) {
        if (!BundleFiles.isPlainFile(locksFile)) {
            return bundle;
        }
        List<String> warnings = new ArrayList<>();
        try {
            return bundle.withLocks(LocksParser.parse(read(locksFile), warnings), warnings);
        } catch (BundleException e) {
            return bundle.withLocks(null, List.of(e.reason()));
        }
    }

    /** True if {@code directory} looks like a bundle (holds a capture file); says nothing about its contents. */
    public static boolean isBundleDirectory(Path directory) {
        return Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)
                && BundleFiles.isPlainFile(directory.resolve(CAPTURE_FILE));
    }

    // People pass the bundle folder itself; say what they probably meant.
    private static boolean holdsBundles(Path directory) {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return false; // listing a FIFO would open it, and block until someone writes to it
        }
        try (var children = Files.list(directory)) {
            return children.anyMatch(BundleLocator::isBundleDirectory);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static Path parentOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent != null ? parent : file.toAbsolutePath();
    }

    private static byte[] read(Path capture) throws BundleException {
        try {
            if (Files.readAttributes(capture, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size()
                    > MAX_CAPTURE_BYTES) {
                throw new BundleException("not a crashcap bundle: " + capture + " (larger than any capture)");
            }
            return BundleFiles.read(capture, MAX_CAPTURE_BYTES);
        } catch (AccessDeniedException e) {
            throw new BundleException("cannot read " + capture + ": permission denied", e);
        } catch (IOException e) {
            throw new BundleException("cannot read " + capture + ": " + e.getMessage(), e);
        }
    }
}
