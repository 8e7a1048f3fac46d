package dev.crashcap.report;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.BundleException;
import dev.crashcap.bundle.BundleLocator;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How often this crash happened before: the bundles next to this one (in the same folder) with the same
 * {@link Signature}. {@code inspect} reads them, read-only, for the "repeated crash" hint. Only the
 * {@value #MAX_SIBLINGS} newest sibling bundles (by directory name, which starts with the crash time) are read, so
 * that inspecting one bundle in a folder of thousands stays quick; {@code capped} says when there were more.
 *
 * @param signature the signature of the bundle inspected, as captured
 * @param others    sibling bundles with the same signature (the bundle itself not counted)
 * @param first     the earliest crash time among them and this bundle (epoch millis), null if none is known
 * @param last      the latest
 * @param folder    the folder that holds them; null when the bundle has no folder
 * @param capped    the folder had more sibling bundles than were read
 */
public record SignatureHistory(String signature, int others, Long first, Long last, Path folder, boolean capped) {
    static final int MAX_SIBLINGS = 200;

    /** No history read: only the signature (a report rendered without looking at the folder). */
    public static SignatureHistory none(String signature) {
        return new SignatureHistory(signature, 0, null, null, null, false);
    }

    /** Reads the siblings of {@code captured} (a bundle as captured, before symbolization) with that signature. */
    public static SignatureHistory of(Bundle captured, String signature) {
        Path directory = captured.directory();
        Path folder = directory == null ? null : directory.toAbsolutePath().normalize().getParent();
        if (folder == null || captured.isSnapshot()) {
            return none(signature);
        }
        List<Path> siblings = siblings(folder, directory.toAbsolutePath().normalize());
        boolean capped = siblings.size() > MAX_SIBLINGS;
        Long time = captured.crash().timeEpochMillis();
        Long first = time;
        Long last = time;
        int others = 0;
        for (Path sibling : siblings.subList(0, Math.min(MAX_SIBLINGS, siblings.size()))) {
            Bundle bundle;
            try {
                bundle = BundleLocator.load(sibling.toString());
            } catch (BundleException | RuntimeException e) {
                continue; // an unreadable sibling is list's business, not this bundle's
            }
            if (!signature.equals(Signature.of(bundle))) {
                continue;
            }
            others++;
            Long when = bundle.crash().timeEpochMillis();
            if (when != null) {
                first = first == null ? when : Math.min(first, when);
                last = last == null ? when : Math.max(last, when);
            }
        }
        return new SignatureHistory(signature, others, first, last, folder, capped);
    }

    /** The other crash bundle directories of the folder, newest name first. */
    private static List<Path> siblings(Path folder, Path self) {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(folder, "crash-*")) {
            for (Path child : children) {
                Path normalized = child.toAbsolutePath().normalize();
                if (!normalized.equals(self) && BundleLocator.isBundleDirectory(normalized)) {
                    found.add(normalized);
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of(); // a folder that cannot be listed has no history to show
        }
        found.sort(Comparator.comparing((Path path) -> path.getFileName().toString()).reversed());
        return found;
    }
}
