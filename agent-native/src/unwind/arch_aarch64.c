/* aarch64: registers from a signal ucontext, in DWARF numbering (AAPCS64 / DWARF for the Arm 64-bit
 * architecture: x0-x30 = 0-30, sp = 31; 32 is used here as the pc slot). */
#include "arch.h"

#include <string.h>
#include <ucontext.h>

#define PC_SLOT 32
#define DUMPED_GENERAL_REGISTERS 31  /* x0..x30 */

static const char *const register_names[] = {
    "x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",  "x7",  "x8",  "x9",  "x10",
    "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21",
    "x22", "x23", "x24", "x25", "x26", "x27", "x28", "fp",  "lr",
    "sp",  "pc",  "pstate", "fault_address",
};

#define DUMPED_REGISTER_COUNT (sizeof(register_names) / sizeof(register_names[0]))

/* x19-x29 and sp: what a callee must give back unchanged (the low halves of v8-v15 too, but the
 * unwinder does not track vector registers). */
#define CALLEE_SAVED (((UINT64_C(1) << 30) - (UINT64_C(1) << 19)) | (UINT64_C(1) << 31))

void arch_regs_from_ucontext(const void *ucontext, unwind_regs *regs) {
    const ucontext_t *uc = ucontext;
    size_t i;
    memset(regs, 0, sizeof(*regs));
    for (i = 0; i < DUMPED_GENERAL_REGISTERS; i++)
        regs->r[i] = (uintptr_t)uc->uc_mcontext.regs[i];
    regs->r[ARCH_DWARF_SP] = (uintptr_t)uc->uc_mcontext.sp;
    regs->r[PC_SLOT] = (uintptr_t)uc->uc_mcontext.pc;
    regs->valid = (UINT64_C(1) << ARCH_DWARF_REGS) - 1;
    regs->pc = (uintptr_t)uc->uc_mcontext.pc;
    regs->sp = (uintptr_t)uc->uc_mcontext.sp;
    regs->pc_exact = 1;
}

uintptr_t arch_sp_from_ucontext(const void *ucontext) {
    const ucontext_t *uc = ucontext;
    return (uintptr_t)uc->uc_mcontext.sp;
}

size_t arch_register_count(void) {
    return DUMPED_REGISTER_COUNT;
}

const char *arch_register_name(size_t index) {
    return index < DUMPED_REGISTER_COUNT ? register_names[index] : "";
}

/* x0..x30, sp, pc, pstate; the FP/SIMD record in __reserved is not copied yet (ARCH_CONTEXT_FP_BYTES is 0). */
size_t arch_context_save(const void *ucontext, uint64_t *words, uint8_t *fp) {
    const ucontext_t *uc = ucontext;
    (void)fp;
    for (size_t i = 0; i < 31; i++) words[i] = (uint64_t)uc->uc_mcontext.regs[i];
    words[31] = (uint64_t)uc->uc_mcontext.sp;
    words[32] = (uint64_t)uc->uc_mcontext.pc;
    words[33] = (uint64_t)uc->uc_mcontext.pstate;
    return 0;
}

uintptr_t arch_register_value(const void *ucontext, size_t index) {
    const ucontext_t *uc = ucontext;
    if (index < DUMPED_GENERAL_REGISTERS)
        return (uintptr_t)uc->uc_mcontext.regs[index];
    switch (index - DUMPED_GENERAL_REGISTERS) {
    case 0: return (uintptr_t)uc->uc_mcontext.sp;
    case 1: return (uintptr_t)uc->uc_mcontext.pc;
    case 2: return (uintptr_t)uc->uc_mcontext.pstate;
    case 3: return (uintptr_t)uc->uc_mcontext.fault_address;
    default: return 0;
    }
}

uint64_t arch_callee_saved_registers(void) {
    return CALLEE_SAVED;
}

/* xpaclri (hint #7) removes the authentication code from x30. It is in the hint space, so on a core
 * without pointer authentication it is a no-op, which is right: nothing was signed there either. */
uintptr_t arch_strip_return_address(uintptr_t ra, int ra_signed) {
    if (!ra_signed)
        return ra;
    register uintptr_t x30 __asm__("x30") = ra;
    __asm__("hint #7" : "+r"(x30));
    return x30;
}

/* A branch-and-link through a bad pointer leaves the return address in lr and the stack untouched; it
 * is not signed yet (the callee's prologue would have done that). */
int arch_unwind_bad_pc(unwind_regs *regs, int (*readable)(const void *ctx, uintptr_t addr, size_t len),
                       const void *ctx) {
    (void)readable;
    (void)ctx;
    if (!(regs->valid & (UINT64_C(1) << ARCH_DWARF_RA)) || regs->r[ARCH_DWARF_RA] == 0)
        return 0;
    regs->pc = regs->r[ARCH_DWARF_RA];
    regs->r[PC_SLOT] = regs->pc;
    regs->pc_exact = 0;
    return 1;
}
