package dev.crashcap.bundle;

/**
 * A path or file that cannot be read as a crashcap bundle. The message is one line meant for a person,
 * already prefixed with {@code crashcap: }, so the CLI prints it as it is.
 */
public final class BundleException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String reason;

    /** @param reason what went wrong, without the {@code crashcap: } prefix */
    public BundleException(String reason) {
        super("crashcap: " + oneLine(reason));
        this.reason = oneLine(reason);
    }

    public BundleException(String reason, Throwable cause) {
        super("crashcap: " + oneLine(reason), cause);
        this.reason = oneLine(reason);
    }

    /** The message without the {@code crashcap: } prefix, for places that add their own context. */
    public String reason() {
        return reason;
    }

    // Paths and file contents end up in the message; a newline in one must not break the one-line promise.
    private static String oneLine(String text) {
        return String.valueOf(text).replace("\r", "\\r").replace("\n", "\\n");
    }
}
