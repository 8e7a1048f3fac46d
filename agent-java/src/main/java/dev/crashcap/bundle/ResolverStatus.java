package dev.crashcap.bundle;

/**
 * The capture's {@code threads.resolver} line: whether the resolver thread answered (docs/threads.md). Each value but
 * {@code ok} is a warning that says what the bundle may lack because of it, and why.
 */
final class ResolverStatus {
    private static final String LACKS = "Java thread states and names, and names of Java frames, that only JVMTI"
            + " could give may be missing";

    private ResolverStatus() {}

    static void warn(String status, CaptureValues values) {
        if (status == null || status.equals("ok")) {
            return;
        }
        values.warn(switch (status) {
            case "vm-death" -> LACKS + ": the resolver thread was not asked, the JVM was exiting (JVMTI VMDeath had"
                    + " been posted: after System.exit's shutdown hooks, or after main ended; JVMTI answers nothing"
                    + " then)";
            case "deadline" -> LACKS + " where the resolver thread did not answer in time (the JVM could not run it:"
                    + " a lock the crash holds, a safepoint that never ends)";
            case "forked-child" -> LACKS + ": the resolver thread was not asked, it lives in the parent of this"
                    + " forked child";
            case "unavailable" -> LACKS + ": the resolver thread could not be asked (none was started, or no memory"
                    + " for the request)";
            default -> LACKS + ": the resolver thread did not answer (" + status + ")";
        });
    }
}
