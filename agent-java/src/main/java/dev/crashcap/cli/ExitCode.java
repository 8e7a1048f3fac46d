package dev.crashcap.cli;

import dev.crashcap.attach.AttachFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every exit code of every crashcap command, in one place: each number has one meaning whichever command returns
 * it, since scripts branch on them. The help of each command lists the codes it can return, generated from here
 * ({@link Main}), and README.md has the same table. Plain Java without picocli: {@link DumpFastPath} returns these
 * too, and it must not load picocli.
 */
enum ExitCode {
    OK(0, "success"),
    INTERNAL_ERROR(1, "internal error (a bug in crashcap: please report the line it printed)"),
    BAD_INPUT(2, "bad input: usage, no such file or folder, not a bundle (the line says what)"),
    NO_SUCH_PROCESS(3, "no such process, or it ended before it answered", "attach", "dump", "status"),
    NOT_A_JVM(4, "not a JVM", "attach", "dump", "status"),
    UNSUPPORTED_JVM(5, "not HotSpot, or older than Java 17", "attach", "dump", "status"),
    ATTACH_DISABLED(6, "attach disabled in the target (-XX:+DisableAttachMechanism and the like)", "attach", "dump", "status"),
    PERMISSION_DENIED(7, "permission denied (another user's JVM, and not root)", "attach", "dump", "status"),
    TIMED_OUT(8, "timed out", "attach", "dump", "status"),
    AGENT_FAILED(9, "the agent was loaded but could not arm (the line says why)", "attach", "dump"),
    DUMP_FAILED(10, "the snapshot could not be written (the line says why)", "dump"),
    STILL_PENDING(11, "some bundles are still pending: run it again later", "upload", "finish"),
    REFUSED(12, "the collector refused some bundles (crashcap list shows them as failed)", "upload"),
    MISSING_MODULE(13, "a Java module this needs is not in the runtime (a jlink image): the line names it, "
            + "and dump still prints its bundle", "attach", "dump", "upload", "inspect"),
    NOT_ARMED(14, "the JVM is not armed by crashcap", "status");

    private final int code;
    private final String meaning;
    /** The commands that return it; empty for every command. */
    private final List<String> commands;

    ExitCode(int code, String meaning, String... commands) {
        this.code = code;
        this.meaning = meaning;
        this.commands = List.of(commands);
    }

    int code() {
        return code;
    }

    String meaning() {
        return meaning;
    }

    /** The exit code of an attach or dump that failed this way. */
    static ExitCode of(AttachFailure failure) {
        return switch (failure) { // a switch expression: a new AttachFailure does not compile until it has a code
            case BAD_INPUT -> BAD_INPUT;
            case NO_SUCH_PROCESS -> NO_SUCH_PROCESS;
            case NOT_A_JVM -> NOT_A_JVM;
            case UNSUPPORTED_JVM -> UNSUPPORTED_JVM;
            case ATTACH_DISABLED -> ATTACH_DISABLED;
            case PERMISSION_DENIED -> PERMISSION_DENIED;
            case TIMED_OUT -> TIMED_OUT;
            case AGENT_FAILED -> AGENT_FAILED;
            case DUMP_FAILED -> DUMP_FAILED;
            case MISSING_MODULE -> MISSING_MODULE;
            case NOT_ARMED -> NOT_ARMED;
        };
    }

    /**
     * The codes a command can return, as its help lists them (number, then meaning). The top command, which
     * only chooses a subcommand, lists them all, each with the commands it belongs to.
     */
    static Map<String, String> helpList(String command) {
        boolean top = command.equals(CrashcapCommand.NAME);
        Map<String, String> list = new LinkedHashMap<>();
        for (ExitCode exitCode : values()) {
            if (top || exitCode.commands.isEmpty() || exitCode.commands.contains(command)) {
                String only = top && !exitCode.commands.isEmpty() ? " (" + String.join(", ", exitCode.commands) + ")" : "";
                list.put(String.format("%2d", exitCode.code), exitCode.meaning + only);
            }
        }
        return list;
    }
}
