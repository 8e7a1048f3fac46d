package dev.crashcap.report;

import static dev.crashcap.report.ReportText.shown;

import dev.crashcap.symbols.Demangler;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of the human reports that show the diagnosis beyond its summary: the Java caller of a JNA or FFM call,
 * the JNI libraries suspected of a crash inside the JVM, and the hints ("WHAT TO TRY"). Every string is made
 * printable: a bundle may come from anywhere.
 */
final class DiagnosisText {
    private DiagnosisText() {
    }

    /**
     * The signature as a person reads it: each C++ name in it demangled (the JSON, {@code list} and the uploader
     * keep the raw signature, the identifier).
     */
    static String signature(String signature) {
        List<String> parts = new ArrayList<>();
        for (String part : signature.split("\\|", -1)) {
            parts.add(Demangler.of(part));
        }
        return String.join("|", parts);
    }

    /** {@code java caller: com.x.Y.m(Y.java:31), calling memset (libc.so.6) through JNA (…)}, or nothing. */
    static List<String> javaCaller(Diagnosis diagnosis) {
        JavaCaller caller = diagnosis.javaCaller();
        if (caller == null) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        lines.add(field("java caller", caller.callerText() + ", calling " + Diagnoser.describe(caller.called())
                + " through " + caller.bridge() + " (" + caller.bridgeFrame() + ")"));
        if (caller.jar() != null) {
            lines.add(field("caller's jar", caller.jar()));
        }
        return lines;
    }

    /** The JNI libraries suspected of a crash inside the JVM, strongest first, each with why and who loaded it. */
    static List<String> suspects(Diagnosis diagnosis) {
        List<String> lines = new ArrayList<>();
        lines.add(field("suspects", "the crash is inside the JVM, likely caused by "
                + (diagnosis.suspects().size() == 1 ? "this JNI library:" : "one of these JNI libraries:")));
        for (Suspect suspect : diagnosis.suspects()) {
            String loaded = suspect.loadedBy() == null || suspect.loadedBy().javaClass() == null
                    || suspect.why().startsWith("loaded by") ? ""
                    : "; loaded by " + suspect.loadedBy().javaClass();
            String jar = suspect.loadedBy() == null || suspect.loadedBy().jar() == null ? ""
                    : " from " + suspect.loadedBy().jar();
            lines.add("    " + shown(suspect.module() + "  (" + suspect.why() + loaded + jar + ")  " + suspect.path()));
        }
        return lines;
    }

    /** The "WHAT TO TRY" section: each hint, then the evidence for it; nothing when there is no hint. */
    static List<String> hints(List<Hint> hints) {
        if (hints.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("WHAT TO TRY");
        int n = 1;
        for (Hint hint : hints) {
            lines.add("  " + n++ + ". " + shown(hint.text()));
            lines.add("     because: " + shown(hint.evidence()));
        }
        return lines;
    }

    private static String field(String name, String value) {
        return String.format("  %-18s %s", name + ":", shown(value));
    }
}
