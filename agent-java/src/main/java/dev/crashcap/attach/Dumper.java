package dev.crashcap.attach;

import dev.crashcap.agent.DumpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

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

    /** @param folder where the bundle goes, absolute; null for the folder the agent was armed with */
    public static Outcome dump(long pid, Path agentJar, Path folder, Duration timeout) throws AttachException {
        Deadline deadline = new Deadline(timeout);
        TargetProcess target = Attacher.reach(pid, deadline);
        Properties before = Attacher.properties(target, deadline);
        String version = Attacher.javaVersion(target, before);
        boolean armedBefore = before.getProperty(Attacher.ARMED) != null;

        DumpRequest request = new DumpRequest(requestId(), folder == null ? "" : folder.toString());
        Attacher.load(target, Attacher.agentInTarget(target, agentJar), options(armedBefore, folder, request), deadline);

        Properties after = Attacher.properties(target, deadline);
        String armed = after.getProperty(Attacher.ARMED);
        if (armed == null) {
            String reason = after.getProperty(Attacher.NOT_ARMED);
            throw new AttachException(AttachFailure.AGENT_FAILED, "the agent was loaded into pid " + pid
                    + " but did not arm: " + (reason != null ? reason : "see the target's standard error"));
        }
        String path = after.getProperty(DumpRequest.resultProperty(request.id()));
        if (path == null) {
            String error = after.getProperty(DumpRequest.errorProperty(request.id()));
            throw new AttachException(AttachFailure.DUMP_FAILED, "pid " + pid + " could not write the snapshot: "
                    + (error != null ? error : "the agent did not answer (a JVM armed by an older crashcap?)"));
        }
        // A JVM in a container wrote the path as it sees it.
        Path bundle = target.root().resolve(Path.of("/").relativize(Path.of(path)));
        return new Outcome(bundle, !armedBefore, Attacher.outcome(armedBefore, armed, version),
                after.getProperty(DumpRequest.warningProperty(request.id())));
    }

    /**
     * A JVM that is not armed yet is armed by the same load, with the snapshot's folder as its bundle folder when one
     * was given (the agent's own configuration otherwise); one that is armed keeps its options.
     */
    private static String options(boolean armedBefore, Path folder, DumpRequest request) throws AttachException {
        if (armedBefore || folder == null) return request.option();
        if (folder.toString().contains(",")) {
            throw new AttachException(AttachFailure.BAD_INPUT, "--out must not contain ',' for a JVM that is not armed"
                    + " yet (it becomes the agent's dir option); arm it first with crashcap attach");
        }
        return "dir=" + folder + "," + request.option();
    }

    /** Unique among the dumps that may run at once: each CLI is a process of its own. */
    private static String requestId() {
        return Long.toHexString(ProcessHandle.current().pid()) + "-" + Long.toHexString(System.nanoTime());
    }
}
