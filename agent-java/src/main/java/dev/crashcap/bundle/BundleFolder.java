package dev.crashcap.bundle;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

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
        if (!Files.exists(folder)) {
            throw new BundleException("no such directory: " + folder);
        }
        if (!Files.isDirectory(folder)) {
            throw new BundleException("not a directory: " + folder);
        }
        List<Entry> entries = new ArrayList<>();
        for (Path child : children(folder)) {
            if (BundleLocator.isBundleDirectory(child)) {
                entries.add(read(child.toAbsolutePath().normalize()));
            }
        }
        entries.sort(Comparator.comparingLong(Entry::sortTime).reversed()
                .thenComparing(Comparator.comparing(Entry::path).reversed()));
        return entries;
    }

    private static List<Path> children(Path folder) throws BundleException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
            stream.forEach(children::add);
        } catch (IOException | RuntimeException e) {
            throw new BundleException("cannot read directory " + folder + ": " + e.getMessage(), e);
        }
        return children;
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
