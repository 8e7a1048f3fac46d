package dev.crashcap.collector;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * An exclusive claim on one bundle by one uploader: an OS file lock on its {@code spool.lock}, so uploaders in
 * several JVMs on one host can share a folder. The kernel releases the lock when the process dies, so a crashed
 * uploader never leaves a bundle claimed. The lock file itself is left in place: deleting it would let two
 * processes lock two different files of the same name.
 */
public final class BundleLock implements AutoCloseable {
    public static final String NAME = "spool.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private BundleLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or null if another uploader holds it (in this JVM or another). */
    public static BundleLock tryAcquire(Path bundle) throws IOException {
        Path path = bundle.resolve(NAME);
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another uploader created it first: fine, lock it
            }
        }
        // never through a link planted in its place: that would open (not change) another user's file as root
        FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return null;
            }
            return new BundleLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            channel.close(); // held by another thread of this JVM
            return null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
