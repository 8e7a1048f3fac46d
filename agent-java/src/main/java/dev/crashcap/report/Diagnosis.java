package dev.crashcap.report;

import dev.crashcap.bundle.Bundle;

/**
 * What most likely happened, in one line, and which module to look at first. {@code suspectModule} is the
 * module name (null if every frame is in system code or the stack is unknown); its path is kept for reports.
 * The rules are in {@link Diagnoser}.
 */
public record Diagnosis(Kind kind, String summary, String suspectModule, String suspectModulePath) {

    /** The kinds, with the names the JSON uses. */
    public enum Kind {
        FAULT("fault"),
        ABORT("abort"),
        HEAP_CORRUPTION("heap-corruption"),
        STACK_OVERFLOW("stack-overflow"),
        /** The capture was cut off before the signal was recorded. */
        UNKNOWN("unknown"),
        /** A live snapshot (crashcap dump) without a deadlock. */
        SNAPSHOT("snapshot"),
        /** A live snapshot in which threads wait for each other's locks. */
        DEADLOCK("deadlock");

        private final String jsonName;

        Kind(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    public static Diagnosis of(Bundle bundle) {
        return Diagnoser.diagnose(bundle);
    }
}
