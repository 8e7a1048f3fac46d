package dev.crashcap.bundle;

/**
 * What the signal handler saw ({@code crash} section). Any field may be null when the capture was cut off
 * before it or the signal did not carry it ({@code senderPid}, {@code abortMessage}). {@code abortMessage} is
 * glibc's; {@code cxxExceptionType} (mangled, as {@code std::type_info::name()} gives it: {@code St13runtime_error})
 * and {@code cxxExceptionWhat} are the C++ exception nothing caught, when the abort came from std::terminate.
 * {@code senderUid} is the sender's user id, with {@code senderPid}. {@code fdsExhausted} is {@code "process"} (the
 * process had used all {@code fdLimit} descriptors, RLIMIT_NOFILE) or {@code "system"} (the system's file table was
 * full) when the capture found no descriptor free, else null. {@code forkOf} is the pid of the JVM that armed crashcap
 * when the crash is in a child forked from it (by JNI code, before exec), else null.
 */
public record Crash(Long timeEpochMillis, Long pid, Long uptimeMillis, Integer signalNumber, String signalName,
        Integer signalCode, String signalCodeName, Long signalAddress, Long senderPid, Long senderUid, Long tid,
        String abortMessage, String cxxExceptionType, String cxxExceptionWhat, String fdsExhausted, Long fdLimit, Long forkOf) {

    /** The signal was sent by another process (kill, sigqueue, tgkill from outside), not raised by this one. */
    public boolean sentFromOutside() {
        return senderPid != null && pid != null && !senderPid.equals(pid);
    }
}
