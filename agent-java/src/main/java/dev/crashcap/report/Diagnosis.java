package dev.crashcap.report;

import dev.crashcap.bundle.Bundle;
import java.util.List;

/**
 * What most likely happened, in one line, and which module to look at first. {@code suspectModule} is the
 * module name (null if every frame is in system code or the stack is unknown); its path is kept for reports.
 * {@code suspects} are the JNI libraries that may have caused a crash inside the JVM (empty for other crashes);
 * {@code javaCaller} is the Java code that made a native call through JNA or FFM, for a crash inside that call (else
 * null). The rules are in {@link Diagnoser}.
 */
public record Diagnosis(Kind kind, String summary, String suspectModule, String suspectModulePath,
        List<Suspect> suspects, JavaCaller javaCaller) {

    public Diagnosis(Kind kind, String summary, String suspectModule, String suspectModulePath) {
        this(kind, summary, suspectModule, suspectModulePath, List.of(), null);
    }

    /** The kinds, with the names the JSON uses. */
    public enum Kind {
        FAULT("fault"),
        ABORT("abort"),
        HEAP_CORRUPTION("heap-corruption"),
        STACK_OVERFLOW("stack-overflow"),
        /** A fault inside the JVM's own code (libjvm.so): usually the late effect of JNI misuse. */
        JVM_FAULT("jvm-fault"),
        /** A fatal signal another process sent (kill -SEGV, kill -ABRT: a watchdog, an operator): nothing faulted. */
        EXTERNAL_SIGNAL("external-signal"),
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
