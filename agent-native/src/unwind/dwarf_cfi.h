/* The parts of the unwinder (unwind/), shared among its files only: reading validated memory
 * (dwarf_reader.c), finding a pc's CIE and FDE in .eh_frame (eh_frame.c), running the CFA program into a
 * rule table (cfa_program.c), evaluating DWARF expressions (dwarf_expression.c); unwind.c applies the
 * rules to walk one frame. Formats: DWARF 4 section 6.4, as extended for .eh_frame by the Linux
 * Standard Base. */
#ifndef CRASHCAP_DWARF_CFI_H
#define CRASHCAP_DWARF_CFI_H

#include <stddef.h>
#include <stdint.h>

#include "unwind_types.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "take_fixed reads CFI in the host byte order and assumes little-endian"
#endif

/* Pointer encodings (LSB, "DWARF Extensions", .eh_frame). */
#define DW_EH_PE_absptr 0x00
#define DW_EH_PE_uleb128 0x01
#define DW_EH_PE_udata2 0x02
#define DW_EH_PE_udata4 0x03
#define DW_EH_PE_udata8 0x04
#define DW_EH_PE_sleb128 0x09
#define DW_EH_PE_sdata2 0x0a
#define DW_EH_PE_sdata4 0x0b
#define DW_EH_PE_sdata8 0x0c
#define DW_EH_PE_pcrel 0x10
#define DW_EH_PE_textrel 0x20
#define DW_EH_PE_datarel 0x30
#define DW_EH_PE_funcrel 0x40
#define DW_EH_PE_aligned 0x50
#define DW_EH_PE_indirect 0x80
#define DW_EH_PE_omit 0xff

/* Bounds on the work done for one step. Real CFI is far below each of them. */
#define MAX_RECORD_BYTES (1u << 20)        /* one CIE or FDE */
#define MAX_TABLE_ENTRIES (1u << 24)       /* .eh_frame_hdr search table */
#define MAX_LINEAR_SCAN_RECORDS (1u << 17) /* .eh_frame walked when there is no usable table */
#define MAX_CFI_INSTRUCTIONS 4096
#define MAX_EXPRESSION_STEPS 1024
#define EXPRESSION_STACK_DEPTH 32
#define STATE_STACK_DEPTH 8
#define MAX_AUGMENTATION_CHARS 16

#define BIT(n) (UINT64_C(1) << (n))

/* ---- reading from validated memory (dwarf_reader.c) ---- */

/* A position inside a range already checked readable; reading past `end` fails instead. */
typedef struct {
    const uint8_t *pos;
    const uint8_t *end;
    int failed;
} byte_cursor;

/* Bases for the relative pointer encodings; 0 means "not available here". */
typedef struct {
    uintptr_t data;
    uintptr_t text;
    uintptr_t func;
} pointer_bases;

int cursor_has(byte_cursor *c, size_t n);
uint8_t take_u8(byte_cursor *c);
uint64_t take_fixed(byte_cursor *c, size_t size);
static inline uint16_t take_u16(byte_cursor *c) { return (uint16_t)take_fixed(c, 2); }
static inline uint32_t take_u32(byte_cursor *c) { return (uint32_t)take_fixed(c, 4); }
static inline uint64_t take_u64(byte_cursor *c) { return take_fixed(c, 8); }
uint64_t take_uleb(byte_cursor *c);
int64_t take_sleb(byte_cursor *c);
byte_cursor cursor_at(const memory_map *m, uintptr_t addr, size_t len);
int read_word(const memory_map *m, uintptr_t addr, uintptr_t *out);
int take_encoded(byte_cursor *c, uint8_t enc, const pointer_bases *bases, const memory_map *m,
                        uintptr_t *out);
size_t encoded_size(uint8_t enc);

/* ---- CIE and FDE records (eh_frame.c) ---- */

typedef struct {
    const uint8_t *instructions;
    const uint8_t *instructions_end;
    uint64_t code_align;
    int64_t data_align;
    unsigned ra_column;
    uint8_t fde_encoding;
    int has_augmentation_data;  /* 'z': FDEs carry an augmentation length */
    int signal_frame;           /* 'S': the frame of a signal trampoline */
} cie_info;

typedef struct {
    uintptr_t pc_begin;
    uintptr_t pc_end;
    const uint8_t *instructions;
    const uint8_t *instructions_end;
} fde_info;

/* The CIE and FDE that cover pc, through the .eh_frame_hdr table at hdr (or a scan of .eh_frame). */
unwind_status find_fde(const memory_map *m, uintptr_t hdr, uintptr_t pc, cie_info *cie, fde_info *fde);

/* ---- the rule table built by running CFA instructions (cfa_program.c) ---- */

enum rule_kind {
    RULE_UNSPECIFIED = 0,  /* nothing said: callee-saved registers keep their value */
    RULE_UNDEFINED,
    RULE_SAME_VALUE,
    RULE_OFFSET,           /* saved at CFA + n */
    RULE_VAL_OFFSET,       /* the value is CFA + n */
    RULE_REGISTER,         /* saved in register n */
    RULE_EXPRESSION,       /* saved at the address the expression computes */
    RULE_VAL_EXPRESSION    /* the value is what the expression computes */
};

enum cfa_kind { CFA_UNSET = 0, CFA_REGISTER_OFFSET, CFA_EXPRESSION };

/* For expression rules `value` holds the address of the expression block (its ULEB128 length comes
 * first); the block was checked to lie inside its record when the instruction was decoded. */
typedef struct {
    uint8_t cfa_kind;
    uint8_t ra_signed;             /* aarch64 return address signing state */
    unsigned cfa_register;
    int64_t cfa_offset;
    uintptr_t cfa_expression;
    uint8_t kind[ARCH_DWARF_REGS];
    intptr_t value[ARCH_DWARF_REGS];
} frame_rules;

typedef struct {
    const cie_info *cie;
    uintptr_t pc_begin;
    uintptr_t target;              /* the pc whose rules we want */
    uintptr_t loc;                 /* the address the current rules apply from */
    frame_rules rules;
    frame_rules initial;           /* after the CIE's instructions: what DW_CFA_restore goes back to */
    frame_rules saved[STATE_STACK_DEPTH];
    size_t saved_count;
    unsigned budget;
    const memory_map *map;
} cfi_machine;

unwind_status run_instructions(cfi_machine *vm, byte_cursor c);

/* ---- DWARF expressions (dwarf_expression.c) ---- */

typedef struct {
    const memory_map *map;
    const unwind_regs *regs;       /* the frame being unwound: registers have its values */
} expression_env;

int register_value(const unwind_regs *regs, uint64_t reg, uintptr_t *out);
int evaluate(const expression_env *env, uintptr_t block, int has_initial, uintptr_t initial,
                    uintptr_t *result);

#endif
