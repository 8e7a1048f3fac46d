package dev.crashcap.report;

import dev.crashcap.bundle.Crash;
import dev.crashcap.bundle.FaultAddress;
import dev.crashcap.bundle.Signals;
import java.util.Map;

/**
 * What a signal's si_code says, in plain words ({@code signal.codeMeaning} in the JSON, and the parenthesis of the
 * diagnosis summary): {@code SEGV_MAPERR} "address not mapped", {@code SI_KERNEL} on SIGSEGV "a general protection
 * fault …". The codes are Linux's (siginfo.h); a code the table does not know has no meaning (null), never a guess.
 */
public final class SignalMeaning {
    /** A general-protection fault: the kernel gives no address, so the summary says why. */
    static final String GENERAL_PROTECTION =
            "a general protection fault: no fault address, e.g. a non-canonical pointer";

    private static final Map<String, String> MEANINGS = Map.ofEntries(
            Map.entry("SEGV_MAPERR", "address not mapped"),
            Map.entry("SEGV_ACCERR", "no permission for the access"),
            Map.entry("SEGV_BNDERR", "failed address bound check"),
            Map.entry("SEGV_PKUERR", "access denied by a memory protection key"),
            Map.entry("SEGV_ACCADI", "ADI not enabled for the mapped object"),
            Map.entry("SEGV_ADIDERR", "disrupting ADI error"),
            Map.entry("SEGV_ADIPERR", "precise ADI error"),
            Map.entry("SEGV_MTEAERR", "asynchronous memory tag check fault"),
            Map.entry("SEGV_MTESERR", "synchronous memory tag check fault"),
            Map.entry("SEGV_CPERR", "control protection fault (shadow stack or branch target check)"),
            Map.entry("BUS_ADRALN", "misaligned address"),
            Map.entry("BUS_ADRERR", "address beyond the end of a mapped file"),
            Map.entry("BUS_OBJERR", "hardware error specific to the mapped object"),
            Map.entry("BUS_MCEERR_AR", "uncorrectable memory error (machine check) on this access"),
            Map.entry("BUS_MCEERR_AO", "uncorrectable memory error (machine check) found in the background"),
            Map.entry("FPE_INTDIV", "integer divide by zero"),
            Map.entry("FPE_INTOVF", "integer overflow"),
            Map.entry("FPE_FLTDIV", "floating-point divide by zero"),
            Map.entry("FPE_FLTOVF", "floating-point overflow"),
            Map.entry("FPE_FLTUND", "floating-point underflow"),
            Map.entry("FPE_FLTRES", "floating-point inexact result"),
            Map.entry("FPE_FLTINV", "invalid floating-point operation"),
            Map.entry("FPE_FLTSUB", "subscript out of range"),
            Map.entry("ILL_ILLOPC", "illegal opcode"),
            Map.entry("ILL_ILLOPN", "illegal operand"),
            Map.entry("ILL_ILLADR", "illegal addressing mode"),
            Map.entry("ILL_ILLTRP", "illegal trap"),
            Map.entry("ILL_PRVOPC", "privileged opcode"),
            Map.entry("ILL_PRVREG", "privileged register"),
            Map.entry("ILL_COPROC", "coprocessor error"),
            Map.entry("ILL_BADSTK", "internal stack error"),
            Map.entry("SI_USER", "sent by a process with kill()"),
            Map.entry("SI_TKILL", "sent by a process to this thread: tgkill(), raise() or abort()"),
            Map.entry("SI_QUEUE", "sent by a process with sigqueue()"),
            Map.entry("SI_TIMER", "a POSIX timer expired"),
            Map.entry("SI_MESGQ", "a POSIX message queue changed state"),
            Map.entry("SI_ASYNCIO", "asynchronous I/O completed"),
            Map.entry("SI_SIGIO", "queued SIGIO"),
            Map.entry("SI_KERNEL", "sent by the kernel"));

    private SignalMeaning() {
    }

    /** The meaning of the crash's si_code, or null when the capture has no code or the table does not know it. */
    public static String of(Crash crash) {
        String signal = Signals.name(crash);
        if (FaultAddress.isGeneralProtection(signal, crash.signalCode(), crash.signalCodeName())) {
            return GENERAL_PROTECTION;
        }
        return crash.signalCodeName() == null ? null : MEANINGS.get(crash.signalCodeName());
    }
}
