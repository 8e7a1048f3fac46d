package dev.crashcap.report;

/**
 * One next step for the person reading a crash ({@code diagnosis.hints}): what to try ({@code text}), and the fact in
 * this bundle that calls for it ({@code evidence}), so that nobody follows advice the bundle does not support.
 * {@code kind} names the rule ({@link Hints}): {@code malloc-check}, {@code xcheck-jni}, {@code stack-size},
 * {@code cxx-exception}, {@code bad-pointer}, {@code native-call}, {@code library-version}, {@code history}.
 */
public record Hint(String kind, String text, String evidence) {
}
