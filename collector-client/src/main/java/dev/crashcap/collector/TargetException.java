package dev.crashcap.collector;

/** A collector address that cannot be used; the message is one line for a person. */
public final class TargetException extends Exception {
    private static final long serialVersionUID = 1L;

    public TargetException(String message) {
        super(message);
    }
}
