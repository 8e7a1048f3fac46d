package dev.crashcap.attach;

import dev.crashcap.agent.DumpRequest;
import dev.crashcap.agent.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code crashcap dump}: a live snapshot bundle of a running JVM. Reaches the target as {@link Attacher} does (same
 * checks, same refusals), then loads crashcap.jar with a dump request in its argument: the agent arms the JVM if it is
 * not armed yet and takes the snapshot, and publishes the bundle's path as a system property keyed by a request id
 * chosen here, which is read back with {@code properties}. The target goes on running.
 */
public final class Dumper {
    /**
     * The bundle written, whether this dump armed the JVM (it was not armed before), and what the snapshot lacks
     * (its locks, in a runtime without java.management), null if nothing.
     */
    public record Outcome(Path bundle, boolean armedNow, Attacher.Outcome armed, String warning) {}

    private Dumper() {}

    /**
     * @param folder where the bundle goes, absolute; null for the folder the agent was armed with. One round trip, the
     * load: the Java version is read from the target's release file, and the agent answers in a reply file
     * ({@link ReplyFile}) whether it armed the JVM just now and where the bundle is; only without one (it could not be
     * made, an older agent armed the JVM) is the answer read with {@code properties} after the load.
     */
    public static Outcome dump(long pid, Path agentJar, Path folder, Duration timeout) throws AttachException {
        Deadline deadline = new Deadline(timeout);
        TargetProcess target = Attacher.reach(pid, deadline);
        Instant started = Instant.now();
        try {
            return dump(target, agentJar, folder, deadline);
        } catch (AttachException e) {
            // The JVM ended while it took the dump (it crashed: its crash waits for the snapshot, then ends the JVM,
            // which then never answers): the snapshot it wrote is the user's all the same, so say where it is.
            Path written = e.failure() == AttachFailure.NO_SUCH_PROCESS ? snapshotWritten(target, folder, started) : null;
            if (written == null) throw e;
            throw new AttachException(e.failure(), e.getMessage() + "; the snapshot it wrote: " + written);
        }
    }

    private static Outcome dump(TargetProcess target, Path agentJar, Path folder, Deadline deadline)
            throws AttachException {
        long pid = target.pid;
        String released = target.releaseVersion();
        String version = released != null ? Attacher.supported(target, released)
                : Attacher.javaVersion(target, Attacher.properties(target, deadline));

        Properties after = nativeDump(target, agentJar, folder, deadline);
        String id = after != null ? after.getProperty(NATIVE_ID) : requestId();
        if (after == null) {
            try (ReplyFile reply = ReplyFile.create(target, id)) {
                DumpRequest request = new DumpRequest(id, folder == null ? "" : folder.toString(),
                        reply == null ? "" : reply.inTarget);
                Attacher.load(target, Attacher.agentInTarget(target, agentJar), request.option(), deadline);
                after = reply == null ? null : reply.read();
            }
            if (after == null) after = Attacher.properties(target, deadline); // no reply file, or an older agent
        }
        String armed = after.getProperty(Attacher.ARMED);
        if (armed == null) {
            String reason = after.getProperty(Attacher.NOT_ARMED);
            throw new AttachException(AttachFailure.AGENT_FAILED, "the agent was loaded into pid " + pid
                    + " but did not arm: " + (reason != null ? reason : "see the target's standard error"));
        }
        String path = after.getProperty(DumpRequest.resultProperty(id));
        if (path == null) {
            String error = after.getProperty(DumpRequest.errorProperty(id));
            throw new AttachException(AttachFailure.DUMP_FAILED, "pid " + pid + " could not write the snapshot: "
                    + (error != null ? error : "the agent did not answer (a JVM armed by an older crashcap?)"));
        }
        // A JVM in a container wrote the path as it sees it.
        Path bundle = target.root().resolve(Path.of("/").relativize(Path.of(path)));
        // A JVM that was not armed is armed by the same load (the agent takes the request's folder as its bundle
        // folder when one was given), and says so; one that was keeps its options.
        boolean armedNow = after.getProperty(DumpRequest.armedNowProperty(id)) != null;
        return new Outcome(bundle, armedNow, Attacher.outcome(!armedNow, armed, version),
                after.getProperty(DumpRequest.warningProperty(id)));
    }

    /**
     * The snapshot bundle the target wrote into {@code folder} (as the CLI sees it) since {@code started}, the newest;
     * null if none, or no folder was given (then it went to the folder the agent was armed with, which only the target
     * knew). Named {@code snapshot-<time>-<pid>[.<n>]} by the pid the target knows itself by (docs/capture-format.md).
     */
    private static Path snapshotWritten(TargetProcess target, Path folder, Instant started) {
        if (folder == null) return null;
        Path seen = target.root().resolve(Path.of("/").relativize(folder));
        Pattern name = Pattern.compile("snapshot-[0-9]{8}T[0-9]{6}Z-" + target.status.namespacePid() + "(\\.[0-9])?");
        FileTime since = FileTime.from(started.minusSeconds(1)); // file times may be coarser than the clock
        try (Stream<Path> entries = Files.list(seen)) {
            return entries.filter(entry -> name.matcher(entry.getFileName().toString()).matches())
                    .filter(entry -> Files.isRegularFile(entry.resolve("capture.txt")))
                    .filter(entry -> modified(entry).compareTo(since) >= 0)
                    .max(Comparator.comparing(Dumper::modified)).orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static FileTime modified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** Set in the answer {@link #nativeDump} returns: the request id it used. */
    private static final String NATIVE_ID = "crashcap.cli.nativeDumpId";

    /**
     * The native dump (docs/attach.md): a JVM with no crashcap library mapped (never armed, by any version) is sent
     * {@code load <libcrashcap.so> true <request>}, and the library arms it and takes the snapshot and the locks in C,
     * without java.instrument, the agent's classes or java.management, which cost a fresh JVM most of a first dump's
     * CPU. Returns the answer from the reply file, or null to take the Java agent's way: the JVM is armed already (its
     * dump stays exactly the Java agent's), it is in another mount namespace, no copy of the library is at hand, the
     * target could not load it (its user cannot read it, noexec), there is no reply file, or the library says that a
     * crashcap armed the JVM meanwhile.
     */
    private static Properties nativeDump(TargetProcess target, Path agentJar, Path folder, Deadline deadline)
            throws AttachException {
        if (System.getProperty("crashcap.dump.javaAgent") != null) return null; // to compare the two (bench, tests)
        if (!target.root().equals(Path.of("/")) || target.hasCrashcapLibrary()) return null;
        Path library = agentJar.resolveSibling("libcrashcap.so"); // the distribution's lib/
        if (!Files.isRegularFile(library)) library = NativeLibrary.cachedCopy();
        if (library == null || library.toString().contains("=")) return null;
        String id = requestId();
        try (ReplyFile reply = ReplyFile.create(target, id)) {
            if (reply == null) return null;
            DumpRequest request = new DumpRequest(id, folder == null ? "" : folder.toString(), reply.inTarget);
            Attacher.loadNative(target, library.toAbsolutePath().toString(), request.option(), deadline);
            Properties after = reply.read();
            if (after == null || after.getProperty(DumpRequest.fallbackProperty(id)) != null) return null;
            after.setProperty(NATIVE_ID, id);
            return after;
        }
    }

    /** Unique among the dumps that may run at once: each CLI is a process of its own. */
    private static String requestId() {
        return Long.toHexString(ProcessHandle.current().pid()) + "-" + Long.toHexString(System.nanoTime());
    }
}
