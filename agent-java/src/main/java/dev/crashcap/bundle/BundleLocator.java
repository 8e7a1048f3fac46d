package dev.crashcap.bundle;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

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
        if (!Files.exists(path)) {
            throw new BundleException("no such file: " + path);
        }
        Path directory = Files.isDirectory(path) ? path : parentOf(path);
        Path capture = Files.isDirectory(path) ? path.resolve(CAPTURE_FILE) : path;
        if (!Files.isRegularFile(capture)) {
            String hint = holdsBundles(path) ? "; it holds bundles: see crashcap list " + path : "";
            throw new BundleException("not a crashcap bundle: " + path + " (it has no " + CAPTURE_FILE + hint + ")");
        }
        return CaptureParser.parse(read(capture), directory.toAbsolutePath().normalize(), path.toString());
    }

    /** True if {@code directory} looks like a bundle (holds a capture file); says nothing about its contents. */
    public static boolean isBundleDirectory(Path directory) {
        return Files.isDirectory(directory) && Files.isRegularFile(directory.resolve(CAPTURE_FILE));
    }

    // People pass the bundle folder itself; say what they probably meant.
    private static boolean holdsBundles(Path directory) {
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
            if (Files.size(capture) > MAX_CAPTURE_BYTES) {
                throw new BundleException("not a crashcap bundle: " + capture + " (larger than any capture)");
            }
            return Files.readAllBytes(capture);
        } catch (AccessDeniedException e) {
            throw new BundleException("cannot read " + capture + ": permission denied", e);
        } catch (IOException e) {
            throw new BundleException("cannot read " + capture + ": " + e.getMessage(), e);
        }
    }
}
