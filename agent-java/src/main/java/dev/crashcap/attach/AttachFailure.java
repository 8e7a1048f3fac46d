package dev.crashcap.attach;

/**
 * The ways {@code crashcap attach} and {@code crashcap dump} can fail. The CLI gives each its own exit code
 * ({@code dev.crashcap.cli.ExitCode}, the one table of them), so that scripts can tell them apart.
 */
public enum AttachFailure {
    BAD_INPUT,
    NO_SUCH_PROCESS,
    NOT_A_JVM,
    /** Not HotSpot, or older than Java 17. */
    UNSUPPORTED_JVM,
    ATTACH_DISABLED,
    PERMISSION_DENIED,
    TIMED_OUT,
    /** The agent was loaded but could not arm. */
    AGENT_FAILED,
    /** crashcap dump only: the agent is armed but could not write the snapshot bundle. */
    DUMP_FAILED,
    /** A Java module is missing from the target's runtime (java.instrument for attach; java.management for dump). */
    MISSING_MODULE,
    /** crashcap status only: a JVM that crashcap has not armed. */
    NOT_ARMED
}
