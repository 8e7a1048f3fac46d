package dev.crashcap.agent;

/** Why the agent could not arm the process, as one line. */
final class AgentException extends Exception {
    AgentException(String message) {
        super(message);
    }

    AgentException(String message, Throwable cause) {
        super(message, cause);
    }
}
