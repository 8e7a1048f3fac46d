/* x86_64: registers from a signal ucontext, in DWARF numbering (System V psABI, figure 3.36). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE  /* REG_RIP and friends */
#endif
#include "arch.h"

#include <string.h>
#include <ucontext.h>

/* gregs index for each DWARF register 0..16 (16 is the return address column, i.e. rip). */
static const int dwarf_to_greg[ARCH_DWARF_REGS] = {
    REG_RAX, REG_RDX, REG_RCX, REG_RBX, REG_RSI, REG_RDI, REG_RBP, REG_RSP,
    REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
    REG_RIP,
};

/* The register dump, in the order people expect to read it. */
static const struct {
    const char *name;
    int greg;
} dumped_registers[] = {
    {"rax", REG_RAX}, {"rbx", REG_RBX}, {"rcx", REG_RCX}, {"rdx", REG_RDX},
    {"rsi", REG_RSI}, {"rdi", REG_RDI}, {"rbp", REG_RBP}, {"rsp", REG_RSP},
    {"r8", REG_R8},   {"r9", REG_R9},   {"r10", REG_R10}, {"r11", REG_R11},
    {"r12", REG_R12}, {"r13", REG_R13}, {"r14", REG_R14}, {"r15", REG_R15},
    {"rip", REG_RIP}, {"eflags", REG_EFL},
    {"trapno", REG_TRAPNO}, {"err", REG_ERR}, {"cr2", REG_CR2},
};

#define DUMPED_REGISTER_COUNT (sizeof(dumped_registers) / sizeof(dumped_registers[0]))

/* rbx, rbp, rsp, r12-r15: what a callee must give back unchanged. */
#define CALLEE_SAVED ((1u << 3) | (1u << 6) | (1u << 7) | (1u << 12) | (1u << 13) | (1u << 14) | (1u << 15))

void arch_regs_from_ucontext(const void *ucontext, unwind_regs *regs) {
    const ucontext_t *uc = ucontext;
    size_t i;
    memset(regs, 0, sizeof(*regs));
    for (i = 0; i < ARCH_DWARF_REGS; i++)
        regs->r[i] = (uintptr_t)uc->uc_mcontext.gregs[dwarf_to_greg[i]];
    regs->valid = (UINT64_C(1) << ARCH_DWARF_REGS) - 1;
    regs->pc = regs->r[ARCH_DWARF_PC];
    regs->sp = regs->r[ARCH_DWARF_SP];
    regs->pc_exact = 1;
}

uintptr_t arch_sp_from_ucontext(const void *ucontext) {
    const ucontext_t *uc = ucontext;
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
}

size_t arch_register_count(void) {
    return DUMPED_REGISTER_COUNT;
}

const char *arch_register_name(size_t index) {
    return index < DUMPED_REGISTER_COUNT ? dumped_registers[index].name : "";
}

uintptr_t arch_register_value(const void *ucontext, size_t index) {
    const ucontext_t *uc = ucontext;
    if (index >= DUMPED_REGISTER_COUNT)
        return 0;
    return (uintptr_t)uc->uc_mcontext.gregs[dumped_registers[index].greg];
}

size_t arch_context_save(const void *ucontext, uint64_t *words, uint8_t *fp) {
    const ucontext_t *uc = ucontext;
    for (size_t i = 0; i < ARCH_CONTEXT_WORDS; i++) words[i] = (uint64_t)uc->uc_mcontext.gregs[i];
    /* fpregs points into the signal frame the kernel built (the XSAVE area's legacy part): NULL when the
     * kernel saved no FPU state for this signal. */
    if (uc->uc_mcontext.fpregs == NULL) return 0;
    memcpy(fp, uc->uc_mcontext.fpregs, ARCH_CONTEXT_FP_BYTES);
    return ARCH_CONTEXT_FP_BYTES;
}

uint64_t arch_callee_saved_registers(void) {
    return CALLEE_SAVED;
}

uintptr_t arch_strip_return_address(uintptr_t ra, int ra_signed) {
    (void)ra_signed;  /* no pointer authentication on x86_64 */
    return ra;
}

/* A call through a bad pointer faults on the target before it executes anything, so the call's
 * return address is still the word at rsp and the caller's rsp is just above it. */
int arch_unwind_bad_pc(unwind_regs *regs, int (*readable)(const void *ctx, uintptr_t addr, size_t len),
                       const void *ctx) {
    uintptr_t return_address;
    if (regs->sp + sizeof(uintptr_t) < regs->sp || !readable(ctx, regs->sp, sizeof(uintptr_t)))
        return 0;
    memcpy(&return_address, (const void *)regs->sp, sizeof(return_address));
    regs->pc = return_address;
    regs->sp += sizeof(uintptr_t);
    regs->r[ARCH_DWARF_PC] = regs->pc;
    regs->r[ARCH_DWARF_SP] = regs->sp;
    regs->valid |= (UINT64_C(1) << ARCH_DWARF_PC) | (UINT64_C(1) << ARCH_DWARF_SP);
    regs->pc_exact = 0;
    return 1;
}
