package dev.crashcap.report;

import dev.crashcap.bundle.Crash;
import dev.crashcap.symbols.Demangler;

/**
 * The message an abort left: glibc's own ({@code free(): double free detected in tcache 2}), else the C++
 * exception nothing caught, as {@code std::runtime_error: boom} (the type demangled, then what()), which
 * libstdc++ printed to stderr before std::terminate called abort(). Null when there is neither.
 */
final class AbortMessage {
    private AbortMessage() {
    }

    static String of(Crash crash) {
        if (crash.abortMessage() != null) {
            return crash.abortMessage();
        }
        if (crash.cxxExceptionType() == null) {
            return null;
        }
        String type = Demangler.type(crash.cxxExceptionType());
        return crash.cxxExceptionWhat() == null ? type : type + ": " + crash.cxxExceptionWhat();
    }
}
