package dev.crashcap.attach;

/** An attach that did not happen, as one line for people and a {@link AttachFailure} for the exit code. */
public final class AttachException extends Exception {
    private final AttachFailure failure;

    public AttachException(AttachFailure failure, String message) {
        super(message);
        this.failure = failure;
    }

    public AttachFailure failure() {
        return failure;
    }
}
