package dev.crashcap.bundle;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The bundles in a folder (by default {@code ./crashcap}), newest first. A bundle that cannot be read is listed
 * with its error instead of failing the whole listing: one bad directory must not hide the others.
 */
public final class BundleFolder {

    /** One bundle directory: either {@code bundle} or {@code error} is set. */
    public record Entry(Path path, Bundle bundle, String error, long sortTime) {
    }

    private BundleFolder() {
    }

    public static List<Entry> scan(Path folder) throws BundleException {
        return scan(folder, entry -> entry);
    }

    /**
     * Each bundle as {@code summarize} makes it, newest first. Each bundle is read, summarized and let go before the
     * next is read: a folder of ten thousand bundles is listed in a few MiB of heap, where keeping every parsed
     * bundle took gigabytes.
     */
    public static <T> List<T> scan(Path folder, Function<Entry, T> summarize) throws BundleException {
        if (!Files.exists(folder)) {
            throw new BundleException("no such directory: " + folder);
        }
        if (!Files.isDirectory(folder)) {
            throw new BundleException("not a directory: " + folder);
        }
        record Summary<T>(T value, Path path, long sortTime) {
        }
        List<Summary<T>> summaries = new ArrayList<>();
        forEachChild(folder, child -> {
            Entry entry = null;
            if (BundleLocator.isBundleDirectory(child)) {
                entry = read(child.toAbsolutePath().normalize());
            } else {
                String closed = closed(child);
                if (closed != null) {
                    entry = new Entry(child.toAbsolutePath().normalize(), null, closed, 0);
                }
            }
            if (entry != null) {
                summaries.add(new Summary<>(summarize.apply(entry), entry.path(), entry.sortTime()));
            }
        });
        summaries.sort(Comparator.comparingLong((Summary<T> summary) -> summary.sortTime()).reversed()
                .thenComparing(Comparator.comparing((Summary<T> summary) -> summary.path()).reversed()));
        List<T> values = new ArrayList<>(summaries.size());
        summaries.forEach(summary -> values.add(summary.value()));
        return values;
    }

    /**
     * Why a folder that may be a bundle cannot be looked into (its capture.txt cannot even be seen), or null: such
     * a folder is listed with the reason, not left out, so that nobody thinks it is not there.
     */
    private static String closed(Path child) {
        if (child.getFileName().toString().startsWith(".") || !Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            Files.readAttributes(child.resolve(BundleLocator.CAPTURE_FILE), BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return null; // there, but not a plain file (a link, a FIFO): BundleLocator says no; not a bundle
        } catch (AccessDeniedException e) {
            return "cannot be read: permission denied";
        } catch (IOException | RuntimeException e) {
            return null; // no capture.txt: not a bundle
        }
    }

    private static void forEachChild(Path folder, Consumer<Path> action) throws BundleException {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
            stream.forEach(action);
        } catch (IOException | DirectoryIteratorException e) {
            throw new BundleException("cannot read directory " + folder + ": " + reason(e), e);
        }
    }

    private static String reason(Exception e) {
        Throwable cause = e instanceof DirectoryIteratorException ? e.getCause() : e;
        return cause instanceof AccessDeniedException ? "permission denied" : String.valueOf(cause.getMessage());
    }

    private static Entry read(Path directory) {
        try {
            Bundle bundle = BundleLocator.load(directory);
            Long time = bundle.crash().timeEpochMillis();
            return new Entry(directory, bundle, null, time != null ? time : modifiedMillis(directory));
        } catch (BundleException e) {
            return new Entry(directory, null, e.reason(), modifiedMillis(directory));
        }
    }

    // The crash time is the best order; a bundle without one (cut off, unreadable) sorts by when it was written.
    private static long modifiedMillis(Path directory) {
        try {
            return Files.getLastModifiedTime(directory.resolve(BundleLocator.CAPTURE_FILE)).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
