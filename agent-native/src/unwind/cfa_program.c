/* Running the call frame instructions of a CIE and an FDE up to a pc: the rule table for that pc. */
#include "dwarf_cfi.h"

#include <string.h>

/* Call frame instructions. */
#define DW_CFA_advance_loc 0x40
#define DW_CFA_offset 0x80
#define DW_CFA_restore 0xc0
#define DW_CFA_nop 0x00
#define DW_CFA_set_loc 0x01
#define DW_CFA_advance_loc1 0x02
#define DW_CFA_advance_loc2 0x03
#define DW_CFA_advance_loc4 0x04
#define DW_CFA_offset_extended 0x05
#define DW_CFA_restore_extended 0x06
#define DW_CFA_undefined 0x07
#define DW_CFA_same_value 0x08
#define DW_CFA_register 0x09
#define DW_CFA_remember_state 0x0a
#define DW_CFA_restore_state 0x0b
#define DW_CFA_def_cfa 0x0c
#define DW_CFA_def_cfa_register 0x0d
#define DW_CFA_def_cfa_offset 0x0e
#define DW_CFA_def_cfa_expression 0x0f
#define DW_CFA_expression 0x10
#define DW_CFA_offset_extended_sf 0x11
#define DW_CFA_def_cfa_sf 0x12
#define DW_CFA_def_cfa_offset_sf 0x13
#define DW_CFA_val_offset 0x14
#define DW_CFA_val_offset_sf 0x15
#define DW_CFA_val_expression 0x16
#define DW_CFA_AARCH64_negate_ra_state 0x2d  /* DW_CFA_GNU_window_save elsewhere (SPARC only) */
#define DW_CFA_GNU_args_size 0x2e
#define DW_CFA_GNU_negative_offset_extended 0x2f

static void set_rule(frame_rules *rules, uint64_t reg, enum rule_kind kind, intptr_t value) {
    /* Rules for registers the unwinder does not track (vector registers, for instance) are
     * parsed and dropped: nothing we compute depends on them. */
    if (reg >= ARCH_DWARF_REGS)
        return;
    rules->kind[reg] = (uint8_t)kind;
    rules->value[reg] = value;
}

static void restore_rule(cfi_machine *vm, uint64_t reg) {
    if (reg < ARCH_DWARF_REGS)
        set_rule(&vm->rules, reg, (enum rule_kind)vm->initial.kind[reg], vm->initial.value[reg]);
}

/* Steps over an expression block; returns its address (pointing at the length) or 0. */
static uintptr_t take_block(byte_cursor *c) {
    uintptr_t block = (uintptr_t)c->pos;
    uint64_t length = take_uleb(c);
    if (c->failed || length > (uint64_t)(c->end - c->pos)) {
        c->failed = 1;
        return 0;
    }
    c->pos += length;
    return block;
}

/* Moves loc forward; returns 1 when the target pc has been passed and interpretation must stop. */
static int advance(cfi_machine *vm, uint64_t delta) {
    uint64_t scaled = delta * vm->cie->code_align;
    if (vm->cie->code_align != 0 && scaled / vm->cie->code_align != delta)
        return 1;
    if (scaled > vm->target - vm->loc)
        return 1;  /* the new location is beyond the target (also catches overflow) */
    vm->loc += (uintptr_t)scaled;
    return 0;
}

/* value * factor in two's complement, without signed overflow on garbage input. */
static int64_t factored(int64_t value, int64_t factor) {
    return (int64_t)((uint64_t)value * (uint64_t)factor);
}

static int64_t factored_unsigned(uint64_t value, int64_t factor) {
    return (int64_t)(value * (uint64_t)factor);
}

/* Runs the instructions in [c.pos, c.end). Stops early, successfully, once loc passes the target. */
unwind_status run_instructions(cfi_machine *vm, byte_cursor c) {
    const int64_t daf = vm->cie->data_align;
    while (c.pos < c.end) {
        if (vm->budget == 0)
            return UNWIND_BAD_CFI;
        vm->budget--;
        uint8_t op = take_u8(&c);
        uint8_t low = op & 0x3f;
        uint64_t reg;
        uintptr_t block;
        int done = 0;

        switch (op & 0xc0) {
        case DW_CFA_advance_loc:
            done = advance(vm, low);
            break;
        case DW_CFA_offset:
            set_rule(&vm->rules, low, RULE_OFFSET, (intptr_t)factored_unsigned(take_uleb(&c), daf));
            break;
        case DW_CFA_restore:
            restore_rule(vm, low);
            break;
        default:
            switch (op) {
            case DW_CFA_nop:
                break;
            case DW_CFA_set_loc: {
                pointer_bases bases = {0, 0, vm->pc_begin};
                uintptr_t loc;
                if (!take_encoded(&c, vm->cie->fde_encoding, &bases, vm->map, &loc))
                    return UNWIND_BAD_CFI;
                if (loc > vm->target)
                    done = 1;
                else
                    vm->loc = loc;
                break;
            }
            case DW_CFA_advance_loc1: done = advance(vm, take_u8(&c)); break;
            case DW_CFA_advance_loc2: done = advance(vm, take_u16(&c)); break;
            case DW_CFA_advance_loc4: done = advance(vm, take_u32(&c)); break;
            case DW_CFA_offset_extended:
                reg = take_uleb(&c);
                set_rule(&vm->rules, reg, RULE_OFFSET, (intptr_t)factored_unsigned(take_uleb(&c), daf));
                break;
            case DW_CFA_offset_extended_sf:
                reg = take_uleb(&c);
                set_rule(&vm->rules, reg, RULE_OFFSET, (intptr_t)factored(take_sleb(&c), daf));
                break;
            case DW_CFA_GNU_negative_offset_extended:
                reg = take_uleb(&c);
                set_rule(&vm->rules, reg, RULE_OFFSET, (intptr_t)factored_unsigned(take_uleb(&c), -daf));
                break;
            case DW_CFA_val_offset:
                reg = take_uleb(&c);
                set_rule(&vm->rules, reg, RULE_VAL_OFFSET, (intptr_t)factored_unsigned(take_uleb(&c), daf));
                break;
            case DW_CFA_val_offset_sf:
                reg = take_uleb(&c);
                set_rule(&vm->rules, reg, RULE_VAL_OFFSET, (intptr_t)factored(take_sleb(&c), daf));
                break;
            case DW_CFA_restore_extended:
                restore_rule(vm, take_uleb(&c));
                break;
            case DW_CFA_undefined:
                set_rule(&vm->rules, take_uleb(&c), RULE_UNDEFINED, 0);
                break;
            case DW_CFA_same_value:
                set_rule(&vm->rules, take_uleb(&c), RULE_SAME_VALUE, 0);
                break;
            case DW_CFA_register:
                reg = take_uleb(&c);
                set_rule(&vm->rules, reg, RULE_REGISTER, (intptr_t)take_uleb(&c));
                break;
            case DW_CFA_remember_state:
                /* GCC relies on the CFA rule being part of the remembered state (epilogues in the
                 * middle of a function), so the whole rule set is saved. */
                if (vm->saved_count >= STATE_STACK_DEPTH)
                    return UNWIND_BAD_CFI;
                vm->saved[vm->saved_count++] = vm->rules;
                break;
            case DW_CFA_restore_state:
                if (vm->saved_count == 0)
                    return UNWIND_BAD_CFI;
                vm->rules = vm->saved[--vm->saved_count];
                break;
            case DW_CFA_def_cfa:
                vm->rules.cfa_kind = CFA_REGISTER_OFFSET;
                vm->rules.cfa_register = (unsigned)take_uleb(&c);
                vm->rules.cfa_offset = (int64_t)take_uleb(&c);
                break;
            case DW_CFA_def_cfa_sf:
                vm->rules.cfa_kind = CFA_REGISTER_OFFSET;
                vm->rules.cfa_register = (unsigned)take_uleb(&c);
                vm->rules.cfa_offset = factored(take_sleb(&c), daf);
                break;
            case DW_CFA_def_cfa_register:
                vm->rules.cfa_kind = CFA_REGISTER_OFFSET;
                vm->rules.cfa_register = (unsigned)take_uleb(&c);
                break;
            case DW_CFA_def_cfa_offset:
                vm->rules.cfa_offset = (int64_t)take_uleb(&c);
                break;
            case DW_CFA_def_cfa_offset_sf:
                vm->rules.cfa_offset = factored(take_sleb(&c), daf);
                break;
            case DW_CFA_def_cfa_expression:
                block = take_block(&c);
                vm->rules.cfa_kind = CFA_EXPRESSION;
                vm->rules.cfa_expression = block;
                break;
            case DW_CFA_expression:
                reg = take_uleb(&c);
                block = take_block(&c);
                set_rule(&vm->rules, reg, RULE_EXPRESSION, (intptr_t)block);
                break;
            case DW_CFA_val_expression:
                reg = take_uleb(&c);
                block = take_block(&c);
                set_rule(&vm->rules, reg, RULE_VAL_EXPRESSION, (intptr_t)block);
                break;
            case DW_CFA_GNU_args_size:
                (void)take_uleb(&c);  /* matters for landing pads only */
                break;
            case DW_CFA_AARCH64_negate_ra_state:
                vm->rules.ra_signed ^= 1;
                break;
            default:
                return UNWIND_BAD_CFI;
            }
        }
        if (c.failed)
            return UNWIND_BAD_CFI;
        if (done)
            break;
    }
    return UNWIND_OK;
}
