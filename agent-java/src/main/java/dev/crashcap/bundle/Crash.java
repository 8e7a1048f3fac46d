package dev.crashcap.bundle;

/**
 * What the signal handler saw ({@code crash} section). Any field may be null when the capture was cut off
 * before it or the signal did not carry it ({@code senderPid}, {@code abortMessage}).
 */
public record Crash(Long timeEpochMillis, Long pid, Long uptimeMillis, Integer signalNumber, String signalName,
        Integer signalCode, String signalCodeName, Long signalAddress, Long senderPid, Long tid,
        String abortMessage) {
}
