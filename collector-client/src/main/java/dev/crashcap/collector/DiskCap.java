package dev.crashcap.collector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Keeps the spool within {@code maxBundles} and {@code maxBytes}: deletes the oldest bundles already delivered
 * (sent, then refused or suppressed ones, which will never be sent), then, only if that is not enough, the oldest
 * pending ones. New bundles (not finished yet: the latest crashes) are never deleted. Every deletion is logged.
 * A bundle another uploader holds is skipped. Deletion renames the folder away first, so a half-deleted bundle
 * never looks like a bundle.
 */
public record DiskCap(int maxBundles, long maxBytes) {
    /** The defaults, also of the agent's {@code max-bundles=} and {@code max-mb=} and the CLI's options. */
    public static final int DEFAULT_MAX_BUNDLES = 100;
    public static final int DEFAULT_MAX_MB = 512;
    public static final DiskCap DEFAULT = new DiskCap(DEFAULT_MAX_BUNDLES, (long) DEFAULT_MAX_MB << 20);

    public int enforce(Spool spool, Consumer<String> log) throws IOException {
        finishInterruptedDeletions(spool.folder());
        List<Spool.Entry> entries = spool.entries();
        long bytes = 0;
        List<Long> sizes = new ArrayList<>();
        for (Spool.Entry entry : entries) {
            long size = size(entry.directory());
            sizes.add(size);
            bytes += size;
        }
        int count = entries.size();
        int deleted = 0;
        for (Spool.Entry victim : victims(entries)) {
            if (count <= maxBundles && bytes <= maxBytes) {
                break;
            }
            long size = sizes.get(entries.indexOf(victim));
            if (delete(victim, log, count, bytes)) {
                count--;
                bytes -= size;
                deleted++;
            }
        }
        return deleted;
    }

    private static List<Spool.Entry> victims(List<Spool.Entry> entries) {
        List<Spool.Entry> victims = new ArrayList<>();
        Comparator<Spool.Entry> oldest = Comparator.comparingLong(Spool.Entry::writtenMillis);
        entries.stream().filter(e -> e.record().state() == SpoolState.SENT).sorted(oldest).forEach(victims::add);
        entries.stream().filter(e -> e.record().state() == SpoolState.FAILED
                || e.record().state() == SpoolState.SUPPRESSED).sorted(oldest).forEach(victims::add);
        entries.stream().filter(e -> e.record().state() == SpoolState.PENDING
                || e.record().state() == SpoolState.DAMAGED).sorted(oldest).forEach(victims::add);
        return victims;
    }

    private boolean delete(Spool.Entry victim, Consumer<String> log, int count, long bytes) throws IOException {
        Path directory = victim.directory();
        Path doomed = directory.resolveSibling(".deleting-" + directory.getFileName());
        try (BundleLock lock = BundleLock.tryAcquire(directory)) {
            if (lock == null) {
                return false;
            }
            SpoolState state = StateFile.read(directory).state(); // re-read: another JVM may have sent it
            Files.move(directory, doomed);
            log.accept("deleted " + state.label() + " bundle " + directory + " (disk cap: " + count + " bundles, "
                    + bytes + " bytes; limits " + maxBundles + " bundles, " + maxBytes + " bytes)");
        }
        deleteTree(doomed);
        return true;
    }

    // A deletion cut off by a crash left a renamed folder: it was already chosen and logged, so finish it.
    private static void finishInterruptedDeletions(Path folder) throws IOException {
        try (Stream<Path> children = Files.list(folder)) {
            for (Path child : children.filter(c -> c.getFileName().toString().startsWith(".deleting-")).toList()) {
                deleteTree(child);
            }
        }
    }

    static long size(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(BundleFiles::isPlainFile).mapToLong(DiskCap::fileSize).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long fileSize(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
