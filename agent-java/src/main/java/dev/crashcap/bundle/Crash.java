package dev.crashcap.bundle;

/**
 * What the signal handler saw ({@code crash} section). Any field may be null when the capture was cut off
 * before it or the signal did not carry it ({@code senderPid}, {@code abortMessage}). {@code abortMessage} is
 * glibc's; {@code cxxExceptionType} (mangled, as {@code std::type_info::name()} gives it: {@code St13runtime_error})
 * and {@code cxxExceptionWhat} are the C++ exception nothing caught, when the abort came from std::terminate.
 */
public record Crash(Long timeEpochMillis, Long pid, Long uptimeMillis, Integer signalNumber, String signalName,
        Integer signalCode, String signalCodeName, Long signalAddress, Long senderPid, Long tid,
        String abortMessage, String cxxExceptionType, String cxxExceptionWhat) {
}
