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
#elif defined(__aarch64__)
#define ARCH_DWARF_REGS 33        /* x0..x30 = 0..30, sp = 31, pc slot = 32 */
#define ARCH_DWARF_SP 31
#define ARCH_DWARF_RA 30
#else
#error "crashcap: unsupported architecture"
#endif

typedef struct {
    uintptr_t r[ARCH_DWARF_REGS]; /* by DWARF register number */
    uint64_t valid;               /* bit n set when r[n] is known */
    uintptr_t pc;
    uintptr_t sp;
} unwind_regs;

/* Fills regs (pc, sp and every general register) from a signal handler's ucontext_t. */
void arch_regs_from_ucontext(const void *ucontext, unwind_regs *regs);

/* The register dump of a ucontext: number of registers, and each one's name and value. */
size_t arch_register_count(void);
const char *arch_register_name(size_t index);
uintptr_t arch_register_value(const void *ucontext, size_t index);

/* Frame 0 only: when pc is not in executable memory (a call through a bad function pointer), recover
 * the caller from where the call instruction left the return address. Returns 1 if regs now describe
 * the caller, 0 if not possible. `readable` checks memory before it is read. */
int arch_unwind_bad_pc(unwind_regs *regs, int (*readable)(const void *ctx, uintptr_t addr, size_t len),
                       const void *ctx);

#endif
