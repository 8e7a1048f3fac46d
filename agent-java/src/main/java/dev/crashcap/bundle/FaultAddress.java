package dev.crashcap.bundle;

import java.util.Set;

/**
 * Whether a signal's {@code si_addr} is an address. Only a fault the kernel raised for an instruction has one:
 * SIGSEGV, SIGBUS, SIGFPE or SIGILL with a positive si_code other than SI_KERNEL. A signal sent by a process (kill,
 * tgkill, abort(): SI_USER, SI_TKILL, …, si_code &lt;= 0) carries the sender's pid and uid in the same bytes, and a
 * general-protection fault (SI_KERNEL, e.g. a non-canonical pointer such as 0x4141414141414141) carries 0: neither
 * is an address. The capture writes no address for those (agent-native, signal_has_fault_address); captures written before
 * that did, so the reader applies the same rule.
 */
public final class FaultAddress {
    static final int SI_KERNEL = 0x80;
    private static final Set<Integer> FAULTS = Set.of(4, 7, 8, 11); // SIGILL, SIGBUS, SIGFPE, SIGSEGV
    private static final Set<String> FAULT_NAMES = Set.of("SIGILL", "SIGBUS", "SIGFPE", "SIGSEGV");

    private FaultAddress() {
    }

    /** {@code address} if the signal described carries one, else null (also when the capture does not say). */
    static Long of(Integer number, String name, Integer code, String codeName, Long address) {
        boolean fault = number != null ? FAULTS.contains(number) : name != null && FAULT_NAMES.contains(name);
        boolean fromTheKernel = code != null ? code > 0 && code != SI_KERNEL
                : codeName != null && !codeName.startsWith("SI_");
        return fault && fromTheKernel ? address : null;
    }

    /** A general-protection fault: SIGSEGV or SIGBUS with SI_KERNEL, no fault address. */
    public static boolean isGeneralProtection(String signalName, Integer code, String codeName) {
        boolean kernel = code != null ? code == SI_KERNEL : "SI_KERNEL".equals(codeName);
        return kernel && ("SIGSEGV".equals(signalName) || "SIGBUS".equals(signalName));
    }
}
