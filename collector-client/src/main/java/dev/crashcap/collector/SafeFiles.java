package dev.crashcap.collector;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes that never leave a half-written file under the final name: write a temporary file (0600), fsync it,
 * rename it over the target, fsync the directory. A crash at any point leaves the old file or the new one.
 */
public final class SafeFiles {
    private SafeFiles() {
    }

    public static void write(Path target, byte[] content) throws IOException {
        write(target, content, true);
    }

    /**
     * As {@link #write(Path, byte[])}; without {@code durable} nothing is fsynced, for records whose loss in a
     * power cut costs nothing but a repeated step (the readers treat a missing or damaged file as the safe case).
     * A process crash still leaves the old file or the new one: the rename is atomic either way.
     */
    public static void write(Path target, byte[] content, boolean durable) throws IOException {
        Path temporary = temporaryFor(target);
        try (FileChannel channel = openPrivate(temporary)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (durable) {
                channel.force(true);
            }
        }
        if (durable) {
            publish(temporary, target);
        } else {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * For a file made from others that is made again when it is missing (what finishing derives: symbols, manifest,
     * zip): the content is fsynced before the rename, because such a file is used as it is once it exists, and after
     * a power cut its name must never show a half-written file; the rename itself is not made durable here, because
     * losing it only means the file is made again. A writer whose later files depend on this one being there calls
     * {@link #syncDirectory} once for all of them (as finishing does before the manifest).
     */
    public static void writeRemade(Path target, byte[] content) throws IOException {
        Path temporary = temporaryFor(target);
        try (FileChannel channel = openPrivate(temporary)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        rename(temporary, target);
    }

    /** A fresh temporary file next to {@code target}, for writers that stream; finish with {@link #publish}. */
    public static Path temporaryFor(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".tmp");
    }

    /** Opens a new file readable by its owner only, replacing a temporary file a crash left behind. */
    public static FileChannel openPrivate(Path path) throws IOException {
        Files.deleteIfExists(path);
        Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return FileChannel.open(path, StandardOpenOption.WRITE);
    }

    /** Renames a complete, fsynced temporary file to its final name, and makes the rename durable. */
    public static void publish(Path temporary, Path target) throws IOException {
        rename(temporary, target);
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /**
     * Renames a complete, fsynced temporary file to its final name, atomically, without making the rename durable:
     * for files that are made again when a power cut loses them ({@link #writeRemade}).
     */
    public static void rename(Path temporary, Path target) throws IOException {
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Creates a directory readable by its owner only (0700), and so each missing parent, whatever the umask:
     * Files.createDirectories leaves parents to the umask (0777 under umask 000), and a mode given at creation is
     * still cut by it, so each is set after it is made. An existing directory is left as it is.
     */
    public static Path privateDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return directory;
        }
        Path parent = directory.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            privateDirectory(parent);
        }
        try {
            Files.createDirectory(directory);
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(directory)) {
                return directory; // made by someone else meanwhile: not ours to change
            }
            throw e;
        }
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        return directory;
    }

    /** Makes the renames done in {@code directory} so far durable: a rename is only durable once the entry is on disk. */
    public static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, Set.of(StandardOpenOption.READ))) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems cannot fsync a directory; the rename itself has happened
        }
    }
}
