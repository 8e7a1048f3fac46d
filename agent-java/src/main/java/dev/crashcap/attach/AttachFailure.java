package dev.crashcap.attach;

/**
 * The ways {@code crashcap attach} and {@code crashcap dump} can fail. The CLI gives each its own exit code
 * ({@code dev.crashcap.cli.ExitCode}, the one table of them), so that scripts can tell them apart.
 */
public enum AttachFailure {
    BAD_INPUT,
    NO_SUCH_PROCESS,
    NOT_A_JVM,
    /** Not HotSpot, older than Java 17, or a runtime without java.instrument. */
    UNSUPPORTED_JVM,
    ATTACH_DISABLED,
    PERMISSION_DENIED,
    TIMED_OUT,
    /** The agent was loaded but could not arm. */
    AGENT_FAILED,
    /** crashcap dump only: the agent is armed but could not write the snapshot bundle. */
    DUMP_FAILED
}
