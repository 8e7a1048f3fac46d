package dev.crashcap.collector;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The crash-loop limit: at most {@code maxPerWindow} bundles with the same signature are sent per window; the
 * others are kept, marked suppressed, and counted. The count travels with the next bundle of that signature that
 * is sent. State is one small file per signature under {@code .spool/limits/}, changed under a host-wide file lock
 * so that several JVMs sharing the folder count together.
 */
public final class RateLimiter {
    /** Whether to send; {@code suppressedBefore} is how many were held back since the last one sent. */
    public record Admission(boolean allowed, long suppressedBefore, long suppressedTotal) {
    }

    private final Path directory;
    private final int maxPerWindow;
    private final long windowMillis;

    public RateLimiter(Path spoolFolder, int maxPerWindow, long windowMillis) {
        this.directory = spoolFolder.resolve(".spool").resolve("limits");
        this.maxPerWindow = maxPerWindow;
        this.windowMillis = windowMillis;
    }

    public Admission admit(String signature, long now) throws IOException {
        for (Path folder : List.of(directory.getParent(), directory)) {
            if (Files.isSymbolicLink(folder)) { // planted by someone who can write the folder: never written through
                throw new IOException(folder + " is a symbolic link; crashcap does not follow links in bundle folders");
            }
            SafeFiles.privateDirectory(folder);
        }
        synchronized (RateLimiter.class) { // file locks are per process: threads of one JVM queue here first
            try (FileChannel channel = FileChannel.open(directory.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS); FileLock lock = channel.lock()) {
                return admitLocked(directory.resolve(name(signature)), now);
            }
        }
    }

    /**
     * How many bundles of this signature {@link #admit} would let through now, read without writing or locking
     * anything: for a dry run.
     */
    public int room(String signature, long now) throws IOException {
        Path file = directory.resolve(name(signature));
        if (Files.isSymbolicLink(directory.getParent()) || Files.isSymbolicLink(directory)) {
            return maxPerWindow; // admit() refuses it; a dry run only says what it would send
        }
        List<Long> sent = new ArrayList<>();
        read(file, sent);
        sent.removeIf(time -> time <= now - windowMillis);
        return Math.max(0, maxPerWindow - sent.size());
    }

    /** The counts file: {@code {suppressed, total}}, the send times into {@code sent}. */
    private static long[] read(Path file, List<Long> sent) throws IOException {
        long suppressed = 0;
        long total = 0;
        if (BundleFiles.isPlainFile(file)) {
            for (String line : new String(BundleFiles.read(file, 1024 * 1024), StandardCharsets.UTF_8).split("\n")) {
                String[] parts = line.split(" ");
                try {
                    switch (parts[0]) {
                        case "suppressed" -> suppressed = Long.parseLong(parts[1]);
                        case "total" -> total = Long.parseLong(parts[1]);
                        case "sent" -> sent.add(Long.parseLong(parts[1]));
                        default -> { }
                    }
                } catch (RuntimeException e) {
                    // a damaged line counts for nothing: the limit errs on the side of sending
                }
            }
        }
        return new long[] {suppressed, total};
    }

    private Admission admitLocked(Path file, long now) throws IOException {
        List<Long> sent = new ArrayList<>();
        long[] counts = read(file, sent);
        long suppressed = counts[0];
        long total = counts[1];
        sent.removeIf(time -> time <= now - windowMillis);
        Admission admission;
        if (sent.size() >= maxPerWindow) {
            admission = new Admission(false, suppressed + 1, total + 1);
            suppressed++;
            total++;
        } else {
            admission = new Admission(true, suppressed, total);
            sent.add(now);
            suppressed = 0;
        }
        StringBuilder text = new StringBuilder("suppressed " + suppressed + "\ntotal " + total + "\n");
        sent.forEach(time -> text.append("sent ").append(time).append('\n'));
        // not fsynced: a count lost in a power cut only lets one more bundle of a crash loop through
        SafeFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8), false);
        return admission;
    }

    private static String name(String signature) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(signature.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
