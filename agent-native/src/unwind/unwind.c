/* DWARF call frame information (.eh_frame) unwinder for use inside a signal handler.
 *
 * The formats are those of the DWARF 4 standard, section 6.4, as extended for .eh_frame by the Linux
 * Standard Base (augmentation strings, DW_EH_PE_* pointer encodings, .eh_frame_hdr). Memory is only
 * ever read after memory_map_readable said it can be: records and tables are validated as a whole
 * before they are parsed, stack slots one by one. All loops are bounded, and all state lives in fixed
 * arrays on the stack (a few KiB). */
#include "unwind.h"

#include <string.h>

#include "dwarf_cfi.h"

/* ---- applying the rules ---- */


static unwind_status compute_cfa(const expression_env *env, const frame_rules *rules, uintptr_t *cfa) {
    uintptr_t base;
    switch (rules->cfa_kind) {
    case CFA_REGISTER_OFFSET:
        if (!register_value(env->regs, rules->cfa_register, &base))
            return UNWIND_BAD_CFI;
        *cfa = base + (uintptr_t)rules->cfa_offset;
        return UNWIND_OK;
    case CFA_EXPRESSION:
        return evaluate(env, rules->cfa_expression, 0, 0, cfa) ? UNWIND_OK : UNWIND_BAD_MEMORY;
    default:
        return UNWIND_BAD_CFI;
    }
}

/* The caller's value of register `reg`: sets *value and *known. Fails only when a read the rule needs
 * is impossible. */
static unwind_status recover_register(const expression_env *env, const frame_rules *rules, size_t reg,
                                      enum rule_kind kind, uintptr_t cfa, uintptr_t *value, int *known) {
    const unwind_regs *regs = env->regs;
    uintptr_t address;
    *value = regs->r[reg];
    *known = 0;
    switch (kind) {
    case RULE_UNSPECIFIED:
        *known = (regs->valid & BIT(reg)) && (arch_callee_saved_registers() & BIT(reg));
        return UNWIND_OK;
    case RULE_SAME_VALUE:
        *known = (regs->valid & BIT(reg)) != 0;
        return UNWIND_OK;
    case RULE_UNDEFINED:
        return UNWIND_OK;
    case RULE_OFFSET:
        if (!read_word(env->map, cfa + (uintptr_t)rules->value[reg], value))
            return UNWIND_BAD_MEMORY;
        break;
    case RULE_VAL_OFFSET:
        *value = cfa + (uintptr_t)rules->value[reg];
        break;
    case RULE_REGISTER:
        if (!register_value(regs, (uint64_t)rules->value[reg], value))
            return UNWIND_OK;  /* copied from an unknown register: unknown */
        break;
    case RULE_EXPRESSION:
        if (!evaluate(env, (uintptr_t)rules->value[reg], 1, cfa, &address) ||
            !read_word(env->map, address, value))
            return UNWIND_BAD_MEMORY;
        break;
    case RULE_VAL_EXPRESSION:
        if (!evaluate(env, (uintptr_t)rules->value[reg], 1, cfa, value))
            return UNWIND_BAD_MEMORY;
        break;
    default:
        return UNWIND_BAD_CFI;
    }
    *known = 1;
    return UNWIND_OK;
}

static int sp_has_rule(const frame_rules *rules) {
    uint8_t kind = rules->kind[ARCH_DWARF_SP];
    return kind != RULE_UNSPECIFIED && kind != RULE_SAME_VALUE && kind != RULE_UNDEFINED;
}

/* Builds the caller's registers from the rules; `status` reports an outermost frame as UNWIND_END. */
static unwind_status apply_rules(const memory_map *m, const cie_info *cie, const frame_rules *rules,
                                 const unwind_regs *regs, unwind_regs *caller) {
    expression_env env = {m, regs};
    uintptr_t cfa;
    unwind_status status = compute_cfa(&env, rules, &cfa);
    if (status != UNWIND_OK)
        return status;

    *caller = *regs;
    caller->valid = 0;
    size_t reg;
    for (reg = 0; reg < ARCH_DWARF_REGS; reg++) {
        uintptr_t value;
        int known;
        enum rule_kind kind = (enum rule_kind)rules->kind[reg];
        /* A return address register nobody saved still holds the return address (aarch64 leaf
         * functions keep it in x30). */
        if (reg == cie->ra_column && kind == RULE_UNSPECIFIED)
            kind = RULE_SAME_VALUE;
        status = recover_register(&env, rules, reg, kind, cfa, &value, &known);
        if (status != UNWIND_OK)
            return status;
        caller->r[reg] = value;
        if (known)
            caller->valid |= BIT(reg);
    }

    if (rules->kind[cie->ra_column] == RULE_UNDEFINED || !(caller->valid & BIT(cie->ra_column)))
        return UNWIND_END;
    caller->pc = arch_strip_return_address(caller->r[cie->ra_column], rules->ra_signed);
    if (caller->pc == 0)
        return UNWIND_END;
    /* By the ABIs' definition the CFA is the caller's stack pointer, unless the CFI says otherwise
     * (signal trampolines restore it from the saved context). */
    caller->sp = (sp_has_rule(rules) && (caller->valid & BIT(ARCH_DWARF_SP))) ? caller->r[ARCH_DWARF_SP] : cfa;
    caller->r[ARCH_DWARF_SP] = caller->sp;
    caller->r[ARCH_DWARF_PC] = caller->pc;
    caller->valid |= BIT(ARCH_DWARF_SP) | BIT(ARCH_DWARF_PC);
    caller->pc_exact = cie->signal_frame;
    return UNWIND_OK;
}

/* ---------------------------------------------------------------------------------------------- */

static int map_readable(const void *ctx, uintptr_t addr, size_t len) {
    return memory_map_readable((const memory_map *)ctx, addr, len);
}

static int is_executable(const memory_map *m, uintptr_t pc) {
    const map_entry *e = memory_map_find(m, pc);
    return e != NULL && (e->perms & MAP_PERM_X);
}

unwind_status unwind_step(const unwind_context *ctx, unwind_regs *regs, int first_frame) {
    const memory_map *m = ctx->map;
    int exact = first_frame || regs->pc_exact;

    /* pc and sp are the authoritative fields; the rules read registers by DWARF number. */
    regs->r[ARCH_DWARF_SP] = regs->sp;
    regs->r[ARCH_DWARF_PC] = regs->pc;
    regs->valid |= BIT(ARCH_DWARF_SP) | BIT(ARCH_DWARF_PC);

    if (first_frame && !is_executable(m, regs->pc)) {
        if (!arch_unwind_bad_pc(regs, map_readable, m))
            return UNWIND_BAD_MEMORY;
        return regs->pc == 0 ? UNWIND_END : UNWIND_OK;
    }
    if (regs->pc == 0)
        return UNWIND_END;

    /* A return address is the instruction after the call, which may be the first of the next
     * function (calls to noreturn functions end a function): look up the byte before it. */
    uintptr_t lookup = exact ? regs->pc : regs->pc - 1;
    const module_info *mod = module_list_find(ctx->modules, ctx->module_count, lookup);
    if (mod == NULL)
        return UNWIND_NO_MODULE;
    if (mod->eh_frame_hdr == 0)
        return UNWIND_NO_CFI;

    cie_info cie;
    fde_info fde;
    unwind_status status = find_fde(m, mod->eh_frame_hdr, lookup, &cie, &fde);
    if (status != UNWIND_OK)
        return status;
    if (lookup < fde.pc_begin || lookup >= fde.pc_end)
        return UNWIND_NO_CFI;
    if (cie.ra_column >= ARCH_DWARF_REGS)
        return UNWIND_BAD_CFI;

    cfi_machine vm;
    memset(&vm.rules, 0, sizeof(vm.rules));
    memset(&vm.initial, 0, sizeof(vm.initial));
    vm.cie = &cie;
    vm.pc_begin = fde.pc_begin;
    vm.target = lookup;
    vm.loc = fde.pc_begin;
    vm.saved_count = 0;
    vm.budget = MAX_CFI_INSTRUCTIONS;
    vm.map = m;
    byte_cursor cie_code = {cie.instructions, cie.instructions_end, 0};
    byte_cursor fde_code = {fde.instructions, fde.instructions_end, 0};
    status = run_instructions(&vm, cie_code);
    if (status != UNWIND_OK)
        return status;
    vm.initial = vm.rules;
    vm.loc = fde.pc_begin;
    status = run_instructions(&vm, fde_code);
    if (status != UNWIND_OK)
        return status;

    unwind_regs caller;
    status = apply_rules(m, &cie, &vm.rules, regs, &caller);
    if (status != UNWIND_OK)
        return status;

    /* Stacks grow down, so a caller's frame is above its callee's. A signal trampoline's caller may
     * be anywhere (the handler may run on an alternate stack), and on aarch64 a leaf function
     * interrupted by the signal leaves sp unchanged. */
    if (!cie.signal_frame && (caller.sp < regs->sp || (caller.sp == regs->sp && !exact)))
        return UNWIND_NO_PROGRESS;
    *regs = caller;
    return UNWIND_OK;
}

const char *unwind_status_name(unwind_status status) {
    switch (status) {
    case UNWIND_OK: return "ok";
    case UNWIND_END: return "end";
    case UNWIND_NO_MODULE: return "no-module";
    case UNWIND_NO_CFI: return "no-cfi";
    case UNWIND_BAD_CFI: return "bad-cfi";
    case UNWIND_BAD_MEMORY: return "bad-memory";
    case UNWIND_NO_PROGRESS: return "no-progress";
    default: return "unknown";
    }
}
