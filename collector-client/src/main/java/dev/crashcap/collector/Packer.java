package dev.crashcap.collector;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Packs a bundle folder into one file for transport, {@code bundle.zip} inside the folder. The spool's own files
 * and temporary files are left out. Entries are sorted and carry a fixed time, so packing the same files twice
 * gives the same bytes; a folder that already has its zip is left as it is (finishing twice changes nothing).
 */
public final class Packer {
    public static final String NAME = "bundle.zip";
    /**
     * Raw stack memory (the agent's stacks.bin): it cannot be redacted, so it never travels as it is; it leaves the
     * machine only inside a minidump, which its own opt-in option writes.
     */
    static final String STACK_MEMORY = "stacks.bin";

    // 1980-01-02: the zip format cannot store earlier times; any fixed value makes the output reproducible.
    private static final long FIXED_TIME = 315_619_200_000L;

    private Packer() {
    }

    /** The packed file, created if missing. */
    public static Path pack(Path bundle) throws IOException {
        Path target = bundle.resolve(NAME);
        if (BundleFiles.isPlainFile(target)) {
            return target;
        }
        Path temporary = SafeFiles.temporaryFor(target);
        try (FileChannel channel = SafeFiles.openPrivate(temporary)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Path file : packable(bundle)) {
                ZipEntry entry = new ZipEntry(bundle.relativize(file).toString());
                entry.setTime(FIXED_TIME);
                zip.putNextEntry(entry);
                try (InputStream in = BundleFiles.open(file)) {
                    in.transferTo(zip);
                }
                zip.closeEntry();
            }
            zip.finish();
            zip.flush();
            // An existing zip is sent as it is: after a power cut its name must never show a half-written one.
            channel.force(true);
        }
        // The rename is not fsynced: a zip a power cut loses is packed again from the files it was made of.
        SafeFiles.rename(temporary, target);
        return target;
    }

    /** The files that travel: everything but the spool's bookkeeping, raw stack memory and half-written files, sorted; no links. */
    static List<Path> packable(Path bundle) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(bundle)) {
            walk.filter(BundleFiles::isPlainFile).filter(file -> travels(bundle, file)).sorted().forEach(files::add);
        }
        return files;
    }

    private static boolean travels(Path bundle, Path file) {
        String name = file.getFileName().toString();
        boolean spoolFile = bundle.equals(file.getParent())
                && (name.equals(NAME) || name.equals(StateFile.NAME) || name.equals(BundleLock.NAME)
                        || name.equals(STACK_MEMORY));
        return !spoolFile && !name.startsWith(".");
    }
}
