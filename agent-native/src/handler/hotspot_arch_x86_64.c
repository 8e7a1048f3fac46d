/* x86_64 frames of HotSpot (frame_x86.hpp, frame_x86.inline.hpp): every Java frame keeps the caller's rbp just below
 * its return address. An interpreted frame is addressed from rbp: [rbp] the caller's rbp, [rbp+8] the return pc,
 * [rbp-8] the sender's sp, [rbp-24] the Method*, [rbp-64] the bytecode pointer (the slots interpreter_frame_*_offset
 * -1, -3 and -8, the same on JDK 17 and 25). A compiled frame, a native wrapper's or a runtime stub's has a fixed
 * size: the sender's sp is sp + frame_size words, the return pc the word below it, the saved rbp the one below that.
 * The call stub builds an rbp frame like a C function's. */
#include "hotspot_arch.h"

#include "hotspot_code.h"

#define RBP 6
#define WORD 8
#define INTERPRETER_SENDER_SP (-1)
#define INTERPRETER_METHOD (-3)
#define INTERPRETER_BCP (-8)
/* An interpreted frame's expression stack and monitors lie between sp and rbp: far less than this. */
#define FRAME_SPAN_MAX (1u << 20)

static int slot(const memory_map *map, uintptr_t fp, int index, uintptr_t *out) {
    return hotspot_read_word(map, fp + (uintptr_t)((intptr_t)index * WORD), out);
}

/* The caller: only pc, sp and rbp are known after a Java frame (Java code saves no other register). */
static int move_to(unwind_regs *regs, uintptr_t pc, uintptr_t sp, uintptr_t fp) {
    if (sp <= regs->sp || pc == 0) return 0;
    regs->pc = pc;
    regs->sp = sp;
    regs->r[RBP] = fp;
    regs->r[ARCH_DWARF_SP] = sp;
    regs->r[ARCH_DWARF_PC] = pc;
    regs->valid = (UINT64_C(1) << RBP) | (UINT64_C(1) << ARCH_DWARF_SP) | (UINT64_C(1) << ARCH_DWARF_PC);
    regs->pc_exact = 0;
    return 1;
}

static int frame_pointer(const unwind_regs *regs, uintptr_t *fp) {
    if (!(regs->valid & (UINT64_C(1) << RBP))) return 0;
    *fp = regs->r[RBP];
    return *fp % WORD == 0 && *fp >= regs->sp && *fp - regs->sp < FRAME_SPAN_MAX;
}

int hotspot_arch_interpreted_step(const memory_map *map, unwind_regs *regs, uintptr_t *method, uintptr_t *bcp) {
    uintptr_t fp, sender_sp, link, pc;
    if (!frame_pointer(regs, &fp) || !slot(map, fp, INTERPRETER_METHOD, method) || !slot(map, fp, INTERPRETER_BCP, bcp) ||
        !slot(map, fp, INTERPRETER_SENDER_SP, &sender_sp) || !slot(map, fp, 0, &link) || !slot(map, fp, 1, &pc)) {
        return 0;
    }
    /* The sender's sp is where the caller's frame went on: above this frame's return pc. */
    if (sender_sp < fp + 2 * WORD) return 0;
    return move_to(regs, pc, sender_sp, link);
}

int hotspot_arch_fixed_step(const memory_map *map, unwind_regs *regs, int frame_words) {
    uintptr_t pc, link;
    if (frame_words < 2) return 0;
    uintptr_t sender_sp = regs->sp + (uintptr_t)frame_words * WORD;
    if (!hotspot_read_word(map, sender_sp - WORD, &pc) || !hotspot_read_word(map, sender_sp - 2 * WORD, &link)) return 0;
    return move_to(regs, pc, sender_sp, link);
}

int hotspot_arch_entry_step(const memory_map *map, unwind_regs *regs) {
    uintptr_t fp, link, pc;
    if (!frame_pointer(regs, &fp) || !slot(map, fp, 0, &link) || !slot(map, fp, 1, &pc)) return 0;
    return move_to(regs, pc, fp + 2 * WORD, link);
}
