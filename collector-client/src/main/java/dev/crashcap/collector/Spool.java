package dev.crashcap.collector;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The bundle folder seen as a spool: each bundle directory with its {@link SpoolRecord}, oldest first. The state
 * lives inside each bundle (its {@code spool.state}), so bundles can be moved or copied with their state.
 */
public final class Spool {
    /** One bundle: its directory, its record, and when it was written (for "oldest first"). */
    public record Entry(Path directory, SpoolRecord record, long writtenMillis) {
    }

    private final Path folder;
    private final Predicate<Path> isBundle;
    private final String firstFile;

    /**
     * @param firstFile the file each bundle starts with: its time is the bundle's age (the folder's own time
     *     changes whenever the spool writes a state)
     */
    public Spool(Path folder, Predicate<Path> isBundle, String firstFile) {
        this.folder = folder;
        this.isBundle = isBundle;
        this.firstFile = firstFile;
    }

    public Path folder() {
        return folder;
    }

    public List<Entry> entries() throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(folder)) {
            for (Path child : children) {
                // a link or another user's folder is never finished, sent or deleted (BundleFiles)
                if (!child.getFileName().toString().startsWith(".") && BundleFiles.refusal(child) == null
                        && isBundle.test(child)) {
                    entries.add(new Entry(child, StateFile.read(child), written(child.resolve(firstFile))));
                }
            }
        }
        entries.sort(Comparator.comparingLong(Entry::writtenMillis).thenComparing(Entry::directory));
        return entries;
    }

    /** The state of one bundle directory, for listings. */
    public static SpoolState stateOf(Path bundle) {
        return StateFile.read(bundle).state();
    }

    private static long written(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
