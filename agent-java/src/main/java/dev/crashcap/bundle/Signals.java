package dev.crashcap.bundle;

import java.util.Map;

/** Names of the fatal signals, for captures that recorded the number but not the name. */
public final class Signals {
    // Linux numbers, the same on x86_64 and aarch64.
    private static final Map<Integer, String> NAMES = Map.of(4, "SIGILL", 6, "SIGABRT", 7, "SIGBUS",
            8, "SIGFPE", 11, "SIGSEGV");

    private Signals() {
    }

    /** The signal name as recorded, else derived from the number; null if neither is known. */
    public static String name(Crash crash) {
        if (crash.signalName() != null) {
            return crash.signalName();
        }
        return name(crash.signalNumber());
    }

    /** The Linux name of a signal number, for the fatal signals; null otherwise. */
    public static String name(Integer number) {
        return number == null ? null : NAMES.get(number);
    }
}
