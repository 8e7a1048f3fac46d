package dev.crashcap.report;

import dev.crashcap.bundle.LibraryCaller;

/**
 * A JNI library that may have caused a crash inside the JVM ({@code diagnosis.suspects}): its name and path, why it
 * is a suspect ({@code "on the crashing thread's stack"}, {@code "in a native method on thread \"x\""},
 * {@code "loaded by com.example.Foo"}) and the Java code that loaded it, when the agent saw the load.
 */
public record Suspect(String module, String path, String why, LibraryCaller loadedBy) {
}
