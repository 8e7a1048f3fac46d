/* Everything that depends on the processor lives behind this header: one .c file per architecture
 * (arch_x86_64.c, arch_aarch64.c). */
#ifndef CRASHCAP_ARCH_H
#define CRASHCAP_ARCH_H

#include <stddef.h>
#include <stdint.h>

/* DWARF register numbers that the unwinder tracks (enough for the CFA rules of both architectures). */
#if defined(__x86_64__)
#define ARCH_DWARF_REGS 17        /* rax..r15 = 0..15, return address column 16 */
#define ARCH_DWARF_SP 7
#define ARCH_DWARF_RA 16
#define ARCH_DWARF_PC 16          /* x86_64 has no pc register number: the return address column is it */
#elif defined(__aarch64__)
#define ARCH_DWARF_REGS 33        /* x0..x30 = 0..30, sp = 31, pc slot = 32 */
#define ARCH_DWARF_SP 31
#define ARCH_DWARF_RA 30
#define ARCH_DWARF_PC 32
#else
#error "crashcap: unsupported architecture"
#endif

/* Bytes below the stack pointer that the ABI lets a function use without moving it (the kernel puts a
 * signal frame below them). */
#if defined(__x86_64__)
#define ARCH_RED_ZONE 128
#else
#define ARCH_RED_ZONE 0
#endif

/* ELF relocation types of a call through the GOT (got_slots.c finds such slots). */
#if defined(__x86_64__)
#define ARCH_R_GLOB_DAT 6         /* R_X86_64_GLOB_DAT */
#define ARCH_R_JUMP_SLOT 7        /* R_X86_64_JUMP_SLOT */
#elif defined(__aarch64__)
#define ARCH_R_GLOB_DAT 1025      /* R_AARCH64_GLOB_DAT */
#define ARCH_R_JUMP_SLOT 1026     /* R_AARCH64_JUMP_SLOT */
#endif

typedef struct {
    uintptr_t r[ARCH_DWARF_REGS]; /* by DWARF register number */
    uint64_t valid;               /* bit n set when r[n] is known */
    uintptr_t pc;
    uintptr_t sp;
    int pc_exact;                 /* 1 when pc is the interrupted instruction itself (from a ucontext, or
                                   * after unwinding through a signal frame), 0 when it is a return
                                   * address (then pc-1 is what lies inside the calling function) */
} unwind_regs;

/* Fills regs (pc, sp and every general register) from a signal handler's ucontext_t. */
void arch_regs_from_ucontext(const void *ucontext, unwind_regs *regs);

/* The interrupted stack pointer alone: what the pass-through path of crash_handler needs, for every
 * signal HotSpot handles itself (stack_exhaustion.c), without filling a whole unwind_regs. */
uintptr_t arch_sp_from_ucontext(const void *ucontext);

/* The register dump of a ucontext: number of registers, and each one's name and value. */
size_t arch_register_count(void);
const char *arch_register_name(size_t index);
uintptr_t arch_register_value(const void *ucontext, size_t index);

/* A thread's whole register state as a signal found it, copied in the kernel's own layout for minidumps
 * (handler/stack_memory.c, docs/capture-format.md "stacks.bin"). x86_64: the 23 words of mcontext's gregs
 * (<sys/ucontext.h> order: r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags, csgsfs, err, trapno,
 * oldmask, cr2) and the 512-byte FXSAVE area fpregs points to (x87, MXCSR, XMM0-15). aarch64: x0..x30, sp, pc,
 * pstate; no floating-point part yet. ARCH_ELF_MACHINE names the layout in the file (ELF e_machine). */
#if defined(__x86_64__)
#define ARCH_CONTEXT_WORDS 23
#define ARCH_CONTEXT_FP_BYTES 512
#define ARCH_ELF_MACHINE 62       /* EM_X86_64 */
#elif defined(__aarch64__)
#define ARCH_CONTEXT_WORDS 34
#define ARCH_CONTEXT_FP_BYTES 0
#define ARCH_ELF_MACHINE 183      /* EM_AARCH64 */
#endif

/* Copies the registers of ucontext into words and its floating-point state into fp (ARCH_CONTEXT_FP_BYTES of
 * room); returns how many fp bytes were copied (0 when the kernel gave none). Async-signal-safe. */
size_t arch_context_save(const void *ucontext, uint64_t *words, uint8_t *fp);

/* Bit n set for DWARF registers that a callee must preserve (their value is still the caller's when
 * the CFI says nothing about them); the others are unknown in a caller frame. */
uint64_t arch_callee_saved_registers(void);

/* A return address as found on the stack, made usable as a code address: on aarch64 strips the
 * pointer-authentication code when `ra_signed` (DW_CFA_AARCH64_negate_ra_state); elsewhere returns ra. */
uintptr_t arch_strip_return_address(uintptr_t ra, int ra_signed);

/* Frame 0 only: when pc is not in executable memory (a call through a bad function pointer), recover
 * the caller from where the call instruction left the return address. Returns 1 if regs now describe
 * the caller, 0 if not possible. `readable` checks memory before it is read. */
int arch_unwind_bad_pc(unwind_regs *regs, int (*readable)(const void *ctx, uintptr_t addr, size_t len),
                       const void *ctx);

#endif
