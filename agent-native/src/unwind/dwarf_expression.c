/* DWARF expressions as CFI uses them (DW_CFA_def_cfa_expression, DW_CFA_expression,
 * DW_CFA_val_expression): a bounded stack machine reading only validated memory. */
#include "dwarf_cfi.h"

#include <string.h>

/* DWARF expression operations used by CFI. */
#define DW_OP_addr 0x03
#define DW_OP_deref 0x06
#define DW_OP_const1u 0x08
#define DW_OP_const1s 0x09
#define DW_OP_const2u 0x0a
#define DW_OP_const2s 0x0b
#define DW_OP_const4u 0x0c
#define DW_OP_const4s 0x0d
#define DW_OP_const8u 0x0e
#define DW_OP_const8s 0x0f
#define DW_OP_constu 0x10
#define DW_OP_consts 0x11
#define DW_OP_dup 0x12
#define DW_OP_drop 0x13
#define DW_OP_over 0x14
#define DW_OP_pick 0x15
#define DW_OP_swap 0x16
#define DW_OP_rot 0x17
#define DW_OP_abs 0x19
#define DW_OP_and 0x1a
#define DW_OP_div 0x1b
#define DW_OP_minus 0x1c
#define DW_OP_mod 0x1d
#define DW_OP_mul 0x1e
#define DW_OP_neg 0x1f
#define DW_OP_not 0x20
#define DW_OP_or 0x21
#define DW_OP_plus 0x22
#define DW_OP_plus_uconst 0x23
#define DW_OP_shl 0x24
#define DW_OP_shr 0x25
#define DW_OP_shra 0x26
#define DW_OP_xor 0x27
#define DW_OP_bra 0x28
#define DW_OP_eq 0x29
#define DW_OP_ge 0x2a
#define DW_OP_gt 0x2b
#define DW_OP_le 0x2c
#define DW_OP_lt 0x2d
#define DW_OP_ne 0x2e
#define DW_OP_skip 0x2f
#define DW_OP_lit0 0x30
#define DW_OP_lit31 0x4f
#define DW_OP_breg0 0x70
#define DW_OP_breg31 0x8f
#define DW_OP_bregx 0x92
#define DW_OP_deref_size 0x94
#define DW_OP_nop 0x96

int register_value(const unwind_regs *regs, uint64_t reg, uintptr_t *out) {
    if (reg >= ARCH_DWARF_REGS || !(regs->valid & BIT(reg)))
        return 0;
    *out = regs->r[reg];
    return 1;
}

static int deref_sized(const memory_map *m, uintptr_t addr, size_t size, uintptr_t *out) {
    uint8_t bytes[sizeof(uintptr_t)];
    if (size == 0 || size > sizeof(uintptr_t) || !memory_map_readable(m, addr, size))
        return 0;
    memcpy(bytes, (const void *)addr, size);
    if (size == sizeof(uintptr_t)) {
        memcpy(out, bytes, sizeof(*out));
    } else if (size == 4) {
        uint32_t v;
        memcpy(&v, bytes, sizeof(v));
        *out = v;
    } else if (size == 2) {
        uint16_t v;
        memcpy(&v, bytes, sizeof(v));
        *out = v;
    } else if (size == 1) {
        *out = bytes[0];
    } else {
        return 0;
    }
    return 1;
}

/* Binary operations on the top two entries: `a` is the second, `b` the top. Returns 0 for an
 * unknown operator or division by zero. Comparisons and division are signed, as in DWARF. */
static int binary_op(uint8_t op, uintptr_t a, uintptr_t b, uintptr_t *out) {
    intptr_t sa = (intptr_t)a;
    intptr_t sb = (intptr_t)b;
    switch (op) {
    case DW_OP_and: *out = a & b; return 1;
    case DW_OP_or: *out = a | b; return 1;
    case DW_OP_xor: *out = a ^ b; return 1;
    case DW_OP_plus: *out = a + b; return 1;
    case DW_OP_minus: *out = a - b; return 1;
    case DW_OP_mul: *out = a * b; return 1;
    case DW_OP_div:
        if (b == 0 || (sb == -1 && sa == INTPTR_MIN))
            return 0;
        *out = (uintptr_t)(sa / sb);
        return 1;
    case DW_OP_mod:
        if (b == 0)
            return 0;
        *out = a % b;
        return 1;
    case DW_OP_shl: *out = b >= 64 ? 0 : a << b; return 1;
    case DW_OP_shr: *out = b >= 64 ? 0 : a >> b; return 1;
    case DW_OP_shra: *out = (uintptr_t)(b >= 64 ? (sa < 0 ? -1 : 0) : sa >> b); return 1;
    case DW_OP_eq: *out = sa == sb; return 1;
    case DW_OP_ne: *out = sa != sb; return 1;
    case DW_OP_ge: *out = sa >= sb; return 1;
    case DW_OP_gt: *out = sa > sb; return 1;
    case DW_OP_le: *out = sa <= sb; return 1;
    case DW_OP_lt: *out = sa < sb; return 1;
    default: return 0;
    }
}

/* Moves the cursor by a signed 16-bit branch offset, staying within the expression. */
static int branch(byte_cursor *c, const uint8_t *start, int16_t offset) {
    if (offset < 0 && (size_t)(-(intptr_t)offset) > (size_t)(c->pos - start))
        return 0;
    if (offset > 0 && (size_t)offset > (size_t)(c->end - c->pos))
        return 0;
    c->pos += offset;
    return 1;
}

/* Evaluates the expression block at `block`; `initial`, when has_initial, is pushed first (the CFA,
 * for DW_CFA_expression and DW_CFA_val_expression). The result is the top of the stack. */
int evaluate(const expression_env *env, uintptr_t block, int has_initial, uintptr_t initial,
                    uintptr_t *result) {
    uintptr_t stack[EXPRESSION_STACK_DEPTH];
    size_t depth = 0;
    byte_cursor c = {(const uint8_t *)block, (const uint8_t *)block + 10, 0};
    uint64_t length = take_uleb(&c);  /* already validated when the instruction was decoded */
    if (c.failed)
        return 0;
    const uint8_t *start = c.pos;
    c.end = c.pos + length;
    if (has_initial)
        stack[depth++] = initial;

    unsigned steps;
    for (steps = 0; c.pos < c.end; steps++) {
        if (steps >= MAX_EXPRESSION_STEPS)
            return 0;
        uint8_t op = take_u8(&c);
        uintptr_t value = 0;
        int push = 1;  /* most operations push `value`; the others clear this */

        if (op >= DW_OP_lit0 && op <= DW_OP_lit31) {
            value = (uintptr_t)(op - DW_OP_lit0);
        } else if (op >= DW_OP_breg0 && op <= DW_OP_breg31) {
            int64_t offset = take_sleb(&c);
            if (!register_value(env->regs, (uint64_t)(op - DW_OP_breg0), &value))
                return 0;
            value += (uintptr_t)offset;
        } else {
            switch (op) {
            case DW_OP_addr: value = (uintptr_t)take_u64(&c); break;
            case DW_OP_const1u: value = take_u8(&c); break;
            case DW_OP_const1s: value = (uintptr_t)(intptr_t)(int8_t)take_u8(&c); break;
            case DW_OP_const2u: value = take_u16(&c); break;
            case DW_OP_const2s: value = (uintptr_t)(intptr_t)(int16_t)take_u16(&c); break;
            case DW_OP_const4u: value = take_u32(&c); break;
            case DW_OP_const4s: value = (uintptr_t)(intptr_t)(int32_t)take_u32(&c); break;
            case DW_OP_const8u:
            case DW_OP_const8s: value = (uintptr_t)take_u64(&c); break;
            case DW_OP_constu: value = (uintptr_t)take_uleb(&c); break;
            case DW_OP_consts: value = (uintptr_t)take_sleb(&c); break;
            case DW_OP_bregx: {
                uint64_t reg = take_uleb(&c);
                int64_t offset = take_sleb(&c);
                if (c.failed || !register_value(env->regs, reg, &value))
                    return 0;
                value += (uintptr_t)offset;
                break;
            }
            case DW_OP_dup:
                if (depth < 1)
                    return 0;
                value = stack[depth - 1];
                break;
            case DW_OP_over:
                if (depth < 2)
                    return 0;
                value = stack[depth - 2];
                break;
            case DW_OP_pick: {
                uint8_t index = take_u8(&c);
                if (c.failed || index >= depth)
                    return 0;
                value = stack[depth - 1 - index];
                break;
            }
            case DW_OP_drop:
                if (depth < 1)
                    return 0;
                depth--;
                push = 0;
                break;
            case DW_OP_swap:
                if (depth < 2)
                    return 0;
                value = stack[depth - 1];
                stack[depth - 1] = stack[depth - 2];
                stack[depth - 2] = value;
                push = 0;
                break;
            case DW_OP_rot:
                /* top -> third, second -> top, third -> second */
                if (depth < 3)
                    return 0;
                value = stack[depth - 1];
                stack[depth - 1] = stack[depth - 2];
                stack[depth - 2] = stack[depth - 3];
                stack[depth - 3] = value;
                push = 0;
                break;
            case DW_OP_deref:
            case DW_OP_deref_size: {
                size_t size = op == DW_OP_deref ? sizeof(uintptr_t) : take_u8(&c);
                if (c.failed || depth < 1 || !deref_sized(env->map, stack[depth - 1], size, &stack[depth - 1]))
                    return 0;
                push = 0;
                break;
            }
            case DW_OP_abs:
            case DW_OP_neg:
            case DW_OP_not:
            case DW_OP_plus_uconst: {
                if (depth < 1)
                    return 0;
                uintptr_t *top = &stack[depth - 1];
                if (op == DW_OP_abs)
                    *top = (intptr_t)*top < 0 ? (uintptr_t)0 - *top : *top;
                else if (op == DW_OP_neg)
                    *top = (uintptr_t)0 - *top;
                else if (op == DW_OP_not)
                    *top = ~*top;
                else
                    *top += (uintptr_t)take_uleb(&c);
                push = 0;
                break;
            }
            case DW_OP_skip:
            case DW_OP_bra: {
                int16_t offset = (int16_t)take_u16(&c);
                int jump = 1;
                if (c.failed)
                    return 0;
                if (op == DW_OP_bra) {
                    if (depth < 1)
                        return 0;
                    jump = stack[--depth] != 0;
                }
                if (jump && !branch(&c, start, offset))
                    return 0;
                push = 0;
                break;
            }
            case DW_OP_nop:
                push = 0;
                break;
            default:
                if (depth < 2 || !binary_op(op, stack[depth - 2], stack[depth - 1], &value))
                    return 0;
                depth -= 2;
                break;
            }
        }
        if (c.failed)
            return 0;
        if (push) {
            if (depth >= EXPRESSION_STACK_DEPTH)
                return 0;
            stack[depth++] = value;
        }
    }
    if (depth < 1)
        return 0;
    *result = stack[depth - 1];
    return 1;
}
