package dev.crashcap.minidump;

import dev.crashcap.bundle.StacksFile;
import java.util.Map;

/**
 * MDRawContextAMD64 (Breakpad's minidump_cpu_amd64.h, Microsoft's CONTEXT for AMD64): 1232 bytes. Filled as
 * Breakpad's Linux writer fills it from a signal's ucontext: the general registers, rip, eflags, cs/fs/gs from
 * csgsfs, and the FXSAVE area as {@code flt_save} with its MXCSR also in {@code mx_csr}.
 */
final class Amd64Context {
    static final int SIZE = 1232;
    static final long CONTEXT_AMD64 = 0x00100000L;
    static final long CONTROL = CONTEXT_AMD64 | 0x1, INTEGER = CONTEXT_AMD64 | 0x2, FLOATING_POINT = CONTEXT_AMD64 | 0x8;

    // gregset_t indexes of <sys/ucontext.h> (REG_R8 = 0 ...)
    private static final int R8 = 0, R9 = 1, R10 = 2, R11 = 3, R12 = 4, R13 = 5, R14 = 6, R15 = 7, RDI = 8, RSI = 9,
            RBP = 10, RBX = 11, RDX = 12, RAX = 13, RCX = 14, RSP = 15, RIP = 16, EFL = 17, CSGSFS = 18;
    private static final int FXSAVE_BYTES = 512, FXSAVE_MXCSR = 24;

    private Amd64Context() {
    }

    /** From the registers and FXSAVE area the thread saved in its handler (stacks.bin). */
    static void write(Output out, StacksFile.ThreadContext thread) {
        long[] r = thread.registers();
        byte[] fp = thread.fpState();
        boolean hasFp = fp.length == FXSAVE_BYTES;
        long flags = CONTROL | INTEGER | (hasFp ? FLOATING_POINT : 0);
        int mxcsr = hasFp ? (fp[FXSAVE_MXCSR] & 0xff) | (fp[FXSAVE_MXCSR + 1] & 0xff) << 8
                | (fp[FXSAVE_MXCSR + 2] & 0xff) << 16 | (fp[FXSAVE_MXCSR + 3] & 0xff) << 24 : 0;
        long csgsfs = r[CSGSFS];
        write(out, flags, mxcsr, (int) (csgsfs & 0xffff), (int) (csgsfs >>> 32 & 0xffff), (int) (csgsfs >>> 16 & 0xffff),
                r[EFL], new long[] {r[RAX], r[RCX], r[RDX], r[RBX], r[RSP], r[RBP], r[RSI], r[RDI], r[R8], r[R9], r[R10],
                    r[R11], r[R12], r[R13], r[R14], r[R15]}, r[RIP], hasFp ? fp : null);
    }

    /**
     * From the named registers of capture.txt ({@code reg} lines: the crashing thread of a bundle without
     * stacks.bin), or a thread's first pc and stack pointer alone (others then zero, and the flags say only
     * CONTROL and INTEGER).
     */
    static void write(Output out, Map<String, Long> reg) {
        String[] order = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12",
            "r13", "r14", "r15"};
        long[] general = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            general[i] = reg.getOrDefault(order[i], 0L);
        }
        write(out, CONTROL | INTEGER, 0, 0, 0, 0, reg.getOrDefault("eflags", 0L), general,
                reg.getOrDefault("rip", 0L), null);
    }

    private static void write(Output out, long flags, int mxcsr, int cs, int fs, int gs, long eflags, long[] general,
            long rip, byte[] fxsave) {
        int start = out.position();
        out.zeros(6 * 8);            // p1_home .. p6_home
        out.u32(flags);              // context_flags
        out.u32(mxcsr);              // mx_csr
        out.u16(cs);                 // cs
        out.u16(0);                  // ds
        out.u16(0);                  // es
        out.u16(fs);                 // fs
        out.u16(gs);                 // gs
        out.u16(0);                  // ss
        out.u32(eflags);             // eflags
        out.zeros(6 * 8);            // dr0, dr1, dr2, dr3, dr6, dr7
        for (long value : general) { // rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8 .. r15
            out.u64(value);
        }
        out.u64(rip);                // rip
        if (fxsave != null) {        // flt_save: XMM_SAVE_AREA32, the FXSAVE layout itself
            out.bytes(fxsave);
        } else {
            out.zeros(FXSAVE_BYTES);
        }
        out.zeros(26 * 16);          // vector_register[26]
        out.zeros(8);                // vector_control
        out.zeros(5 * 8);            // debug_control, last_branch_to/from_rip, last_exception_to/from_rip
        if (out.position() - start != SIZE) {
            throw new IllegalStateException("MDRawContextAMD64 written with " + (out.position() - start) + " bytes");
        }
    }
}
