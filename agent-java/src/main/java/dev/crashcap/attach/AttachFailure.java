package dev.crashcap.attach;

/**
 * The ways {@code crashcap attach} and {@code crashcap dump} can fail, each with its own exit code, so that scripts can tell them apart
 * (README.md and {@code crashcap attach --help} list them). 0 is success, 1 an internal error.
 */
public enum AttachFailure {
    BAD_INPUT(2, "bad input"),
    NO_SUCH_PROCESS(3, "no such process"),
    NOT_A_JVM(4, "not a JVM"),
    UNSUPPORTED_JVM(5, "not HotSpot, older than Java 17, or without java.instrument"),
    ATTACH_DISABLED(6, "attach disabled in the target"),
    PERMISSION_DENIED(7, "permission denied"),
    TIMED_OUT(8, "timed out"),
    AGENT_FAILED(9, "the agent was loaded but could not arm"),
    /** crashcap dump only: the agent is armed but could not write the snapshot bundle. */
    DUMP_FAILED(10, "the snapshot could not be written");

    private final int exitCode;
    private final String meaning;

    AttachFailure(int exitCode, String meaning) {
        this.exitCode = exitCode;
        this.meaning = meaning;
    }

    public int exitCode() {
        return exitCode;
    }

    public String meaning() {
        return meaning;
    }
}
