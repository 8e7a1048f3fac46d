package dev.crashcap.attach;

import dev.crashcap.agent.Agent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Properties;

/**
 * {@code crashcap attach}: loads crashcap.jar into a running HotSpot JVM as a Java agent, exactly as
 * {@code -javaagent:crashcap.jar=<options>} would at start-up, through HotSpot's attach protocol spoken
 * directly (AttachTrigger, AttachSocket). Everything that can be checked from /proc is checked before
 * anything is sent to the target, so that a failed attach never harms it: a process that does not catch
 * SIGQUIT (not a JVM, a JVM started with -Xrs, or one still starting) is never sent one, since that would
 * kill it.
 */
public final class Attacher {
    /** The system properties the agent sets, read back with the properties command. */
    static final String ARMED = Agent.ARMED;
    static final String NOT_ARMED = Agent.NOT_ARMED;
    /** Written by the native side with crashcap.armed: the agent's configuration (AgentStatus). */
    static final String STATUS = "crashcap.status";

    /** What the target says after the attach: armed now, or armed already (and nothing was loaded). */
    public record Outcome(boolean alreadyArmed, String agentVersion, String bundleFolder, String javaVersion) {}

    private Attacher() {}

    public static Outcome attach(long pid, Path agentJar, String options, Duration timeout) throws AttachException {
        Deadline deadline = new Deadline(timeout);
        TargetProcess target = reach(pid, deadline);
        Properties before = properties(target, deadline);
        String version = javaVersion(target, before);
        String armed = before.getProperty(ARMED);
        if (armed != null) return outcome(true, armed, version);

        load(target, agentInTarget(target, agentJar), options, deadline);

        Properties after = properties(target, deadline);
        armed = after.getProperty(ARMED);
        if (armed != null) return outcome(false, armed, version);
        String reason = after.getProperty(NOT_ARMED);
        throw new AttachException(AttachFailure.AGENT_FAILED, "the agent was loaded into pid " + pid + " but did not arm: "
                + (reason != null ? reason : "see the target's standard error"));
    }

    /**
     * {@code crashcap status}: what the agent of an armed JVM publishes, read with {@code properties} alone, so that
     * nothing is loaded into the target (a JVM whose attach listener is not running yet is sent SIGQUIT to start it,
     * as for attach and jcmd). A JVM that is not armed is {@link AttachFailure#NOT_ARMED}.
     */
    public static AgentStatus status(long pid, Duration timeout) throws AttachException {
        Deadline deadline = new Deadline(timeout);
        TargetProcess target = reach(pid, deadline);
        Properties properties = properties(target, deadline);
        String version = javaVersion(target, properties);
        String status = properties.getProperty(STATUS);
        String armed = properties.getProperty(ARMED);
        if (status == null && armed == null) {
            String failed = properties.getProperty(NOT_ARMED);
            throw new AttachException(AttachFailure.NOT_ARMED, "not armed: pid " + pid + " is a JVM (Java " + version
                    + ") without crashcap" + (failed == null ? "" : "; the agent was loaded but did not arm: " + failed));
        }
        return AgentStatus.parse(pid, properties.getProperty("java.version", version), status, armed);
    }

    /**
     * The target, checked from /proc and with its attach socket open: everything that can refuse an attach without
     * sending anything is done here, first.
     */
    static TargetProcess reach(long pid, Deadline deadline) throws AttachException {
        TargetProcess target = TargetProcess.open(pid);
        ProcStatus self;
        try {
            self = TargetProcess.self();
        } catch (IOException e) {
            throw new AttachException(AttachFailure.PERMISSION_DENIED, "cannot read /proc/self/status: " + e.getMessage());
        }
        if (!self.isRoot() && (self.effectiveUid() != target.status.effectiveUid()
                || self.effectiveGid() != target.status.effectiveGid())) {
            throw target.permissionDenied();
        }
        switch (target.kind()) {
            case NOT_A_JVM -> throw new AttachException(AttachFailure.NOT_A_JVM, "not a JVM: pid " + pid
                    + " has no libjvm.so loaded");
            case OPENJ9 -> throw new AttachException(AttachFailure.UNSUPPORTED_JVM, "not HotSpot: pid " + pid
                    + " is an OpenJ9 JVM, which crashcap attach does not support; use -javaagent:crashcap.jar");
            case HOTSPOT -> { }
        }
        if (!Files.exists(target.socket())) {
            JvmFlags flags = target.flags();
            if (flags.attachDisabled()) {
                throw new AttachException(AttachFailure.ATTACH_DISABLED, "attach disabled: pid " + pid
                        + " was started with -XX:+DisableAttachMechanism; use -javaagent:crashcap.jar instead");
            }
            if (!target.status.catchesSigquit()) {
                throw new AttachException(AttachFailure.ATTACH_DISABLED, "attach disabled: pid " + pid
                        + " does not handle SIGQUIT" + (flags.reducedSignals() ? " (started with -Xrs)" : " (still starting?)")
                        + " and has no attach socket; signalling it would kill it");
            }
            AttachTrigger.openSocket(target, self, deadline);
        }
        return target;
    }

    /** The target's Java version, from its properties; refused if older than 17. */
    static String javaVersion(TargetProcess target, Properties properties) throws AttachException {
        return supported(target, properties.getProperty("java.specification.version", ""));
    }

    /** A Java specification version ({@code 17}, {@code 1.8}), refused if older than 17. */
    static String supported(TargetProcess target, String version) throws AttachException {
        if (featureVersion(version) < 17) {
            throw new AttachException(AttachFailure.UNSUPPORTED_JVM, "not supported: pid " + target.pid + " runs Java "
                    + version + "; crashcap needs Java 17 or newer");
        }
        return version;
    }

    static void load(TargetProcess target, String jar, String options, Deadline deadline) throws AttachException {
        if (jar.contains("=")) {
            // The instrument library splits its argument at the first '=' into jar and options.
            throw new AttachException(AttachFailure.BAD_INPUT, "the path of crashcap.jar must not contain '=': " + jar);
        }
        String argument = options == null || options.isEmpty() ? jar : jar + "=" + options;
        AttachSocket.Reply reply = execute(target, deadline, "load", "instrument", "false", argument);
        String detail = AttachSocket.firstLine(reply.text());
        if (detail.contains("EnableDynamicAgentLoading")) {
            // JDK 21+ started with -XX:-EnableDynamicAgentLoading: refused, with status 0 and this hint.
            throw new AttachException(AttachFailure.ATTACH_DISABLED, "attach disabled: pid " + target.pid
                    + " was started with -XX:-EnableDynamicAgentLoading; use -javaagent:crashcap.jar instead");
        }
        if (reply.status() != 0 && detail.contains("java.instrument")) {
            // A runtime image made by jlink without java.instrument cannot run any Java agent.
            throw new AttachException(AttachFailure.MISSING_MODULE, "the runtime of pid " + target.pid
                    + " has no java.instrument module, so it cannot load Java agents: add it (jlink --add-modules "
                    + "java.instrument) (" + detail + ")");
        }
        if (reply.status() != 0) {
            throw new AttachException(AttachFailure.AGENT_FAILED, "the target JVM refused to load the agent: " + detail);
        }
        // The agent's own result: "return code: <n>" (seen from JDK 17.0.15 and 25), a bare number from older
        // HotSpot builds; 0 is success.
        String result = detail.startsWith("return code:") ? detail.substring("return code:".length()).trim() : detail;
        if (!result.isEmpty() && !result.equals("0")) {
            throw new AttachException(AttachFailure.AGENT_FAILED, "the agent did not start in pid " + target.pid
                    + " (" + detail + "): can its user read " + jar + "? See its standard error");
        }
    }

    /**
     * {@code load <library> true <options>}: the native agent library's Agent_OnAttach (crashcap dump's native path).
     * True if the target loaded it and it returned 0; false if it could not be loaded (its user cannot read it, a
     * file system mounted noexec) or refused: the caller then reads its reply file or takes the Java agent's way.
     */
    static boolean loadNative(TargetProcess target, String library, String options, Deadline deadline)
            throws AttachException {
        AttachSocket.Reply reply = execute(target, deadline, "load", library, "true", options);
        String detail = AttachSocket.firstLine(reply.text());
        if (detail.contains("EnableDynamicAgentLoading")) {
            throw new AttachException(AttachFailure.ATTACH_DISABLED, "attach disabled: pid " + target.pid
                    + " was started with -XX:-EnableDynamicAgentLoading; use -javaagent:crashcap.jar instead");
        }
        String result = detail.startsWith("return code:") ? detail.substring("return code:".length()).trim() : detail;
        return reply.status() == 0 && (result.isEmpty() || result.equals("0"));
    }

    static Properties properties(TargetProcess target, Deadline deadline) throws AttachException {
        AttachSocket.Reply reply = execute(target, deadline, "properties");
        if (reply.status() != 0) {
            throw new AttachException(AttachFailure.UNSUPPORTED_JVM, "the target JVM refused 'properties': "
                    + AttachSocket.firstLine(reply.text()));
        }
        Properties properties = new Properties();
        try {
            // HotSpot sends them in Properties.store format: ASCII, anything else as \\u escapes.
            properties.load(new ByteArrayInputStream(reply.text().getBytes(StandardCharsets.ISO_8859_1)));
        } catch (IOException | IllegalArgumentException e) {
            throw new AttachException(AttachFailure.UNSUPPORTED_JVM, "unreadable 'properties' reply: " + e.getMessage());
        }
        return properties;
    }

    private static AttachSocket.Reply execute(TargetProcess target, Deadline deadline, String command, String... args)
            throws AttachException {
        try {
            return AttachSocket.execute(target.socket(), deadline, command, args);
        } catch (AttachException e) {
            // HotSpot closes the connection without a word to a peer it does not accept; a JVM that ends while it runs
            // the command closes it the same way (a crash during crashcap dump): not a permission problem then.
            if (e.failure() == AttachFailure.PERMISSION_DENIED && target.endsWithin(ENDING_MILLIS)) {
                throw endedDuring(target, command);
            }
            throw e;
        } catch (IOException e) {
            if (target.endsWithin(ENDING_MILLIS)) throw endedDuring(target, command);
            throw new AttachException(AttachFailure.TIMED_OUT, "the target JVM does not answer on " + target.socket()
                    + ": " + e.getMessage());
        }
    }

    /** How long a target whose connection closed without a reply is watched for its end. */
    private static final long ENDING_MILLIS = 500;

    private static AttachException endedDuring(TargetProcess target, String command) {
        return new AttachException(AttachFailure.NO_SUCH_PROCESS, "pid " + target.pid + " ended before it answered '"
                + command + "': it crashed or exited meanwhile (a crash leaves its bundle in the folder crashcap was"
                + " armed with)");
    }

    /**
     * The agent jar as a path the target can open. A JVM in another mount namespace (a container) cannot see
     * our files: the jar is copied into its /tmp and given to its user.
     */
    static String agentInTarget(TargetProcess target, Path jar) throws AttachException {
        Path root = target.root();
        if (root.equals(Path.of("/"))) return jar.toAbsolutePath().toString();
        Path copy = root.resolve("tmp").resolve("crashcap-agent-" + target.status.namespacePid() + ".jar");
        try {
            Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
            Files.setAttribute(copy, "unix:uid", target.status.effectiveUid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(copy, "unix:gid", target.status.effectiveGid(), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            throw new AttachException(AttachFailure.PERMISSION_DENIED, "cannot copy crashcap.jar into the container of pid "
                    + target.pid + ": " + e.getMessage());
        }
        return "/tmp/" + copy.getFileName();
    }

    static Outcome outcome(boolean already, String armed, String javaVersion) {
        int space = armed.indexOf(' ');
        return space < 0 ? new Outcome(already, armed, "", javaVersion)
                : new Outcome(already, armed.substring(0, space), armed.substring(space + 1), javaVersion);
    }

    private static int featureVersion(String specificationVersion) {
        try {
            String first = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
            return Integer.parseInt(first.split("\\.")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
