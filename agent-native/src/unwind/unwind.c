/* DWARF call frame information (.eh_frame) unwinder for use inside a signal handler.
 *
 * The formats are those of the DWARF 4 standard, section 6.4, as extended for .eh_frame by the Linux
 * Standard Base (augmentation strings, DW_EH_PE_* pointer encodings, .eh_frame_hdr). Memory is only
 * ever read after memory_map_readable said it can be: records and tables are validated as a whole
 * before they are parsed, stack slots one by one. All loops are bounded, and all state lives in fixed
 * arrays on the stack (a few KiB). */
#include "unwind.h"

#include <string.h>

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

/* ---------------------------------------------------------------------------------------------- */
/* Reading from validated memory                                                                  */

/* A position inside a range already checked readable; reading past `end` fails instead. */
typedef struct {
    const uint8_t *pos;
    const uint8_t *end;
    int failed;
} byte_cursor;

static int cursor_has(byte_cursor *c, size_t n)
{
    if (c->failed || (size_t)(c->end - c->pos) < n) {
        c->failed = 1;
        return 0;
    }
    return 1;
}

static uint8_t take_u8(byte_cursor *c)
{
    if (!cursor_has(c, 1))
        return 0;
    return *c->pos++;
}

static uint16_t take_u16(byte_cursor *c)
{
    uint16_t v = 0;
    if (cursor_has(c, sizeof(v))) {
        memcpy(&v, c->pos, sizeof(v));
        c->pos += sizeof(v);
    }
    return v;
}

static uint32_t take_u32(byte_cursor *c)
{
    uint32_t v = 0;
    if (cursor_has(c, sizeof(v))) {
        memcpy(&v, c->pos, sizeof(v));
        c->pos += sizeof(v);
    }
    return v;
}

static uint64_t take_u64(byte_cursor *c)
{
    uint64_t v = 0;
    if (cursor_has(c, sizeof(v))) {
        memcpy(&v, c->pos, sizeof(v));
        c->pos += sizeof(v);
    }
    return v;
}

static uint64_t take_uleb(byte_cursor *c)
{
    uint64_t value = 0;
    unsigned shift = 0;
    int i;
    for (i = 0; i < 10; i++) {
        uint8_t byte = take_u8(c);
        if (c->failed)
            return 0;
        if (shift < 64)
            value |= (uint64_t)(byte & 0x7f) << shift;
        shift += 7;
        if (!(byte & 0x80))
            return value;
    }
    c->failed = 1;  /* longer than any 64-bit value */
    return 0;
}

static int64_t take_sleb(byte_cursor *c)
{
    uint64_t value = 0;
    unsigned shift = 0;
    int i;
    for (i = 0; i < 10; i++) {
        uint8_t byte = take_u8(c);
        if (c->failed)
            return 0;
        if (shift < 64)
            value |= (uint64_t)(byte & 0x7f) << shift;
        shift += 7;
        if (!(byte & 0x80)) {
            if (shift < 64 && (byte & 0x40))
                value |= ~UINT64_C(0) << shift;
            return (int64_t)value;
        }
    }
    c->failed = 1;
    return 0;
}

/* How many bytes from addr on (at most max) lie in contiguous readable mappings. */
static size_t readable_span(const memory_map *m, uintptr_t addr, size_t max)
{
    size_t span = 0;
    size_t steps;
    for (steps = 0; steps <= m->count && span < max; steps++) {
        const map_entry *e = memory_map_find(m, addr + span);
        if (e == NULL || !(e->perms & MAP_PERM_R) || e->read_hazard)
            break;
        span = (size_t)(e->end - addr);
    }
    return span < max ? span : max;
}

/* A cursor over [addr, addr + len), or over its readable prefix when the end is not readable. */
static byte_cursor cursor_at(const memory_map *m, uintptr_t addr, size_t len)
{
    byte_cursor c;
    size_t span = addr == 0 ? 0 : readable_span(m, addr, len);
    c.pos = (const uint8_t *)addr;
    c.end = c.pos + span;
    c.failed = 0;
    return c;
}

static int read_word(const memory_map *m, uintptr_t addr, uintptr_t *out)
{
    if (!memory_map_readable(m, addr, sizeof(*out)))
        return 0;
    memcpy(out, (const void *)addr, sizeof(*out));
    return 1;
}

/* Bases for the relative pointer encodings; 0 means "not available here". */
typedef struct {
    uintptr_t data;
    uintptr_t text;
    uintptr_t func;
} pointer_bases;

/* Reads one pointer in encoding `enc`. Returns 0 if the encoding is unsupported, a base is missing,
 * the bytes run out, or an indirect pointer cannot be read. */
static int take_encoded(byte_cursor *c, uint8_t enc, const pointer_bases *bases, const memory_map *m,
                        uintptr_t *out)
{
    if (enc == DW_EH_PE_omit)
        return 0;
    if ((enc & 0x70) == DW_EH_PE_aligned) {
        uintptr_t misalignment = (uintptr_t)c->pos % sizeof(uintptr_t);
        if (misalignment != 0 && cursor_has(c, sizeof(uintptr_t) - misalignment))
            c->pos += sizeof(uintptr_t) - misalignment;
    }
    uintptr_t field = (uintptr_t)c->pos;
    uintptr_t value;
    switch (enc & 0x0f) {
    case DW_EH_PE_absptr: value = (uintptr_t)take_u64(c); break;
    case DW_EH_PE_uleb128: value = (uintptr_t)take_uleb(c); break;
    case DW_EH_PE_udata2: value = take_u16(c); break;
    case DW_EH_PE_udata4: value = take_u32(c); break;
    case DW_EH_PE_udata8: value = (uintptr_t)take_u64(c); break;
    case DW_EH_PE_sleb128: value = (uintptr_t)take_sleb(c); break;
    case DW_EH_PE_sdata2: value = (uintptr_t)(intptr_t)(int16_t)take_u16(c); break;
    case DW_EH_PE_sdata4: value = (uintptr_t)(intptr_t)(int32_t)take_u32(c); break;
    case DW_EH_PE_sdata8: value = (uintptr_t)take_u64(c); break;
    default: return 0;
    }
    if (c->failed)
        return 0;

    uintptr_t base;
    switch (enc & 0x70) {
    case DW_EH_PE_absptr: base = 0; break;
    case DW_EH_PE_aligned: base = 0; break;
    case DW_EH_PE_pcrel: base = field; break;
    case DW_EH_PE_textrel: base = bases->text; break;
    case DW_EH_PE_datarel: base = bases->data; break;
    case DW_EH_PE_funcrel: base = bases->func; break;
    default: return 0;
    }
    if ((enc & 0x70) != DW_EH_PE_absptr && (enc & 0x70) != DW_EH_PE_aligned && base == 0)
        return 0;
    value += base;
    if ((enc & DW_EH_PE_indirect) && !read_word(m, value, &value))
        return 0;
    *out = value;
    return 1;
}

/* Size of one value in a fixed-size encoding, 0 for the variable-length ones. */
static size_t encoded_size(uint8_t enc)
{
    switch (enc & 0x0f) {
    case DW_EH_PE_udata2:
    case DW_EH_PE_sdata2: return 2;
    case DW_EH_PE_udata4:
    case DW_EH_PE_sdata4: return 4;
    case DW_EH_PE_absptr:
    case DW_EH_PE_udata8:
    case DW_EH_PE_sdata8: return 8;
    default: return 0;
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* CIE and FDE records                                                                            */

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

/* The bounds of the record at addr: *body is the CIE id / CIE pointer field, the cursor ends with the
 * record. Returns 0 for the zero terminator or on any failure (reported through *status). */
static int open_record(const memory_map *m, uintptr_t addr, byte_cursor *record, int *is_64bit,
                       unwind_status *status)
{
    byte_cursor c = cursor_at(m, addr, 12);
    uint64_t length = take_u32(&c);
    *is_64bit = 0;
    if (length == 0xffffffffu) {
        length = take_u64(&c);
        *is_64bit = 1;
    }
    if (c.failed) {
        *status = UNWIND_BAD_MEMORY;
        return 0;
    }
    if (length == 0 || length > MAX_RECORD_BYTES) {
        *status = length == 0 ? UNWIND_NO_CFI : UNWIND_BAD_CFI;
        return 0;
    }
    uintptr_t body = (uintptr_t)c.pos;
    if (!memory_map_readable(m, body, (size_t)length)) {
        *status = UNWIND_BAD_MEMORY;
        return 0;
    }
    record->pos = c.pos;
    record->end = c.pos + length;
    record->failed = 0;
    return 1;
}

static unwind_status parse_augmentation_data(byte_cursor *c, const char *augmentation, cie_info *cie,
                                             const memory_map *m)
{
    uint64_t length = take_uleb(c);
    if (c->failed || length > (uint64_t)(c->end - c->pos))
        return UNWIND_BAD_CFI;
    byte_cursor data = {c->pos, c->pos + length, 0};
    const char *a;
    cie->has_augmentation_data = 1;
    for (a = augmentation + 1; *a != '\0'; a++) {
        if (*a == 'R') {
            cie->fde_encoding = take_u8(&data);
        } else if (*a == 'L') {
            (void)take_u8(&data);  /* LSDA encoding: only exception handling needs the LSDA */
        } else if (*a == 'P') {
            /* The personality routine is not needed; decode it only to step over it, and never
             * follow it (drop 'indirect'). */
            uint8_t enc = take_u8(&data);
            pointer_bases none = {0, 0, 0};
            uintptr_t ignored;
            if (!take_encoded(&data, (uint8_t)(enc & ~DW_EH_PE_indirect), &none, m, &ignored))
                return UNWIND_BAD_CFI;
        } else if (*a == 'S') {
            cie->signal_frame = 1;
        } else if (*a == 'B' || *a == 'G') {
            /* aarch64: B-key pointer authentication, MTE-tagged frames: no data, nothing to do. */
        } else {
            break;  /* unknown: 'z' tells us where the data ends, so the rest can be skipped */
        }
        if (data.failed)
            return UNWIND_BAD_CFI;
    }
    c->pos += length;
    return UNWIND_OK;
}

static unwind_status parse_cie(const memory_map *m, uintptr_t addr, cie_info *cie)
{
    byte_cursor c;
    int is_64bit;
    unwind_status status = UNWIND_BAD_CFI;
    if (!open_record(m, addr, &c, &is_64bit, &status))
        return status == UNWIND_NO_CFI ? UNWIND_BAD_CFI : status;
    uint64_t id = is_64bit ? take_u64(&c) : take_u32(&c);
    uint8_t version = take_u8(&c);
    if (c.failed || id != 0 || (version != 1 && version != 3 && version != 4))
        return UNWIND_BAD_CFI;

    char augmentation[MAX_AUGMENTATION_CHARS + 1];
    size_t n = 0;
    for (;;) {
        uint8_t ch = take_u8(&c);
        if (c.failed || n >= MAX_AUGMENTATION_CHARS)
            return UNWIND_BAD_CFI;
        augmentation[n++] = (char)ch;
        if (ch == 0)
            break;
    }

    memset(cie, 0, sizeof(*cie));
    cie->fde_encoding = DW_EH_PE_absptr;
    const char *rest = augmentation;
    if (rest[0] == 'e' && rest[1] == 'h') {
        (void)take_u64(&c);  /* old GCC: pointer to exception data, unused */
        rest += 2;
    }
    if (version == 4) {
        uint8_t address_size = take_u8(&c);
        uint8_t segment_size = take_u8(&c);
        if (address_size != sizeof(uintptr_t) || segment_size != 0)
            return UNWIND_BAD_CFI;
    }
    cie->code_align = take_uleb(&c);
    cie->data_align = take_sleb(&c);
    cie->ra_column = version == 1 ? take_u8(&c) : (unsigned)take_uleb(&c);
    if (c.failed)
        return UNWIND_BAD_CFI;
    if (rest[0] == 'z') {
        status = parse_augmentation_data(&c, rest, cie, m);
        if (status != UNWIND_OK)
            return status;
    } else if (rest[0] != '\0') {
        return UNWIND_BAD_CFI;  /* without 'z' an unknown augmentation cannot be skipped */
    }
    cie->instructions = c.pos;
    cie->instructions_end = c.end;
    return UNWIND_OK;
}

/* Parses the FDE at addr and its CIE. Returns UNWIND_NO_CFI for a CIE or the terminator (so that a
 * linear scan can step over them), UNWIND_OK with *next set otherwise. */
static unwind_status parse_fde(const memory_map *m, uintptr_t addr, cie_info *cie, fde_info *fde,
                               uintptr_t *next)
{
    byte_cursor c;
    int is_64bit;
    unwind_status status = UNWIND_BAD_CFI;
    if (!open_record(m, addr, &c, &is_64bit, &status))
        return status;
    *next = (uintptr_t)c.end;
    uintptr_t id_field = (uintptr_t)c.pos;
    uint64_t cie_pointer = is_64bit ? take_u64(&c) : take_u32(&c);
    if (c.failed)
        return UNWIND_BAD_CFI;
    if (cie_pointer == 0)
        return UNWIND_NO_CFI;  /* a CIE */
    if (cie_pointer > id_field)
        return UNWIND_BAD_CFI;
    status = parse_cie(m, id_field - (uintptr_t)cie_pointer, cie);
    if (status != UNWIND_OK)
        return status;

    pointer_bases bases = {0, 0, 0};
    uintptr_t range;
    if (!take_encoded(&c, cie->fde_encoding, &bases, m, &fde->pc_begin) ||
        !take_encoded(&c, (uint8_t)(cie->fde_encoding & 0x0f), &bases, m, &range))
        return UNWIND_BAD_CFI;
    fde->pc_end = fde->pc_begin + range;
    if (cie->has_augmentation_data) {
        uint64_t length = take_uleb(&c);
        if (c.failed || length > (uint64_t)(c.end - c.pos))
            return UNWIND_BAD_CFI;
        c.pos += length;  /* the LSDA pointer, not needed */
    }
    fde->instructions = c.pos;
    fde->instructions_end = c.end;
    return UNWIND_OK;
}

/* ---------------------------------------------------------------------------------------------- */
/* Finding the FDE for a pc                                                                       */

/* Walks .eh_frame record by record: for .eh_frame_hdr files without a search table, or with a table
 * in an encoding we cannot index. */
static unwind_status scan_eh_frame(const memory_map *m, uintptr_t eh_frame, uintptr_t pc, cie_info *cie,
                                   fde_info *fde)
{
    uintptr_t addr = eh_frame;
    unsigned records;
    for (records = 0; records < MAX_LINEAR_SCAN_RECORDS; records++) {
        uintptr_t next = 0;
        unwind_status status = parse_fde(m, addr, cie, fde, &next);
        if (status == UNWIND_OK && pc >= fde->pc_begin && pc < fde->pc_end)
            return UNWIND_OK;
        if (next == 0)
            return UNWIND_NO_CFI;  /* terminator or unreadable: the end of the section */
        if (status == UNWIND_BAD_MEMORY)
            return status;
        addr = next;
    }
    return UNWIND_NO_CFI;
}

/* Binary search of the .eh_frame_hdr table (sorted by initial location) for the last entry not
 * above pc. */
static unwind_status search_table(const memory_map *m, uintptr_t hdr, uintptr_t table, size_t count,
                                  uint8_t table_enc, uintptr_t pc, uintptr_t *fde_addr)
{
    size_t field = encoded_size(table_enc);
    size_t entry = 2 * field;
    pointer_bases bases = {hdr, 0, 0};
    if (count == 0 || count > MAX_TABLE_ENTRIES || !memory_map_readable(m, table, count * entry))
        return count == 0 ? UNWIND_NO_CFI : UNWIND_BAD_MEMORY;

    size_t lo = 0;
    size_t hi = count;
    int steps;
    for (steps = 0; lo < hi && steps < 64; steps++) {
        size_t mid = lo + (hi - lo) / 2;
        byte_cursor c = {(const uint8_t *)(table + mid * entry), (const uint8_t *)(table + mid * entry + entry), 0};
        uintptr_t initial;
        if (!take_encoded(&c, table_enc, &bases, m, &initial))
            return UNWIND_BAD_CFI;
        if (initial <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return UNWIND_NO_CFI;  /* pc is below the first function */
    byte_cursor c = {(const uint8_t *)(table + (lo - 1) * entry + field),
                     (const uint8_t *)(table + lo * entry), 0};
    if (!take_encoded(&c, table_enc, &bases, m, fde_addr))
        return UNWIND_BAD_CFI;
    return UNWIND_OK;
}

static unwind_status find_fde(const memory_map *m, uintptr_t hdr, uintptr_t pc, cie_info *cie, fde_info *fde)
{
    byte_cursor c = cursor_at(m, hdr, 4 + 2 * 10);  /* 4 header bytes, then two encoded values */
    uint8_t version = take_u8(&c);
    uint8_t eh_frame_enc = take_u8(&c);
    uint8_t count_enc = take_u8(&c);
    uint8_t table_enc = take_u8(&c);
    if (c.failed)
        return UNWIND_BAD_MEMORY;
    if (version != 1)
        return UNWIND_BAD_CFI;
    pointer_bases bases = {hdr, 0, 0};
    uintptr_t eh_frame;
    if (!take_encoded(&c, eh_frame_enc, &bases, m, &eh_frame))
        return UNWIND_BAD_CFI;

    uintptr_t count = 0;
    int indexable = count_enc != DW_EH_PE_omit && table_enc != DW_EH_PE_omit && encoded_size(table_enc) != 0 &&
                    !(table_enc & DW_EH_PE_indirect) && take_encoded(&c, count_enc, &bases, m, &count);
    if (!indexable)
        return scan_eh_frame(m, eh_frame, pc, cie, fde);

    uintptr_t fde_addr;
    unwind_status status = search_table(m, hdr, (uintptr_t)c.pos, (size_t)count, table_enc, pc, &fde_addr);
    if (status != UNWIND_OK)
        return status;
    uintptr_t next;
    status = parse_fde(m, fde_addr, cie, fde, &next);
    if (status == UNWIND_NO_CFI)
        return UNWIND_BAD_CFI;  /* the table pointed at a CIE */
    if (status != UNWIND_OK)
        return status;
    /* The entry below pc may belong to a function that ends before pc (a gap without CFI). */
    return pc < fde->pc_end ? UNWIND_OK : UNWIND_NO_CFI;
}

/* ---------------------------------------------------------------------------------------------- */
/* The rule table built by running CFA instructions                                               */

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

static void set_rule(frame_rules *rules, uint64_t reg, enum rule_kind kind, intptr_t value)
{
    /* Rules for registers the unwinder does not track (vector registers, for instance) are
     * parsed and dropped: nothing we compute depends on them. */
    if (reg >= ARCH_DWARF_REGS)
        return;
    rules->kind[reg] = (uint8_t)kind;
    rules->value[reg] = value;
}

static void restore_rule(cfi_machine *vm, uint64_t reg)
{
    if (reg < ARCH_DWARF_REGS)
        set_rule(&vm->rules, reg, (enum rule_kind)vm->initial.kind[reg], vm->initial.value[reg]);
}

/* Steps over an expression block; returns its address (pointing at the length) or 0. */
static uintptr_t take_block(byte_cursor *c)
{
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
static int advance(cfi_machine *vm, uint64_t delta)
{
    uint64_t scaled = delta * vm->cie->code_align;
    if (vm->cie->code_align != 0 && scaled / vm->cie->code_align != delta)
        return 1;
    if (scaled > vm->target - vm->loc)
        return 1;  /* the new location is beyond the target (also catches overflow) */
    vm->loc += (uintptr_t)scaled;
    return 0;
}

/* value * factor in two's complement, without signed overflow on garbage input. */
static int64_t factored(int64_t value, int64_t factor)
{
    return (int64_t)((uint64_t)value * (uint64_t)factor);
}

static int64_t factored_unsigned(uint64_t value, int64_t factor)
{
    return (int64_t)(value * (uint64_t)factor);
}

/* Runs the instructions in [c.pos, c.end). Stops early, successfully, once loc passes the target. */
static unwind_status run_instructions(cfi_machine *vm, byte_cursor c)
{
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

/* ---------------------------------------------------------------------------------------------- */
/* DWARF expressions                                                                              */

typedef struct {
    const memory_map *map;
    const unwind_regs *regs;       /* the frame being unwound: registers have its values */
} expression_env;

static int register_value(const unwind_regs *regs, uint64_t reg, uintptr_t *out)
{
    if (reg >= ARCH_DWARF_REGS || !(regs->valid & BIT(reg)))
        return 0;
    *out = regs->r[reg];
    return 1;
}

static int deref_sized(const memory_map *m, uintptr_t addr, size_t size, uintptr_t *out)
{
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
static int binary_op(uint8_t op, uintptr_t a, uintptr_t b, uintptr_t *out)
{
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
static int branch(byte_cursor *c, const uint8_t *start, int16_t offset)
{
    if (offset < 0 && (size_t)(-(intptr_t)offset) > (size_t)(c->pos - start))
        return 0;
    if (offset > 0 && (size_t)offset > (size_t)(c->end - c->pos))
        return 0;
    c->pos += offset;
    return 1;
}

/* Evaluates the expression block at `block`; `initial`, when has_initial, is pushed first (the CFA,
 * for DW_CFA_expression and DW_CFA_val_expression). The result is the top of the stack. */
static int evaluate(const expression_env *env, uintptr_t block, int has_initial, uintptr_t initial,
                    uintptr_t *result)
{
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

/* ---------------------------------------------------------------------------------------------- */
/* Applying the rules                                                                             */

static unwind_status compute_cfa(const expression_env *env, const frame_rules *rules, uintptr_t *cfa)
{
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
                                      enum rule_kind kind, uintptr_t cfa, uintptr_t *value, int *known)
{
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

static int sp_has_rule(const frame_rules *rules)
{
    uint8_t kind = rules->kind[ARCH_DWARF_SP];
    return kind != RULE_UNSPECIFIED && kind != RULE_SAME_VALUE && kind != RULE_UNDEFINED;
}

/* Builds the caller's registers from the rules; `status` reports an outermost frame as UNWIND_END. */
static unwind_status apply_rules(const memory_map *m, const cie_info *cie, const frame_rules *rules,
                                 const unwind_regs *regs, unwind_regs *caller)
{
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

static int map_readable(const void *ctx, uintptr_t addr, size_t len)
{
    return memory_map_readable((const memory_map *)ctx, addr, len);
}

static int is_executable(const memory_map *m, uintptr_t pc)
{
    const map_entry *e = memory_map_find(m, pc);
    return e != NULL && (e->perms & MAP_PERM_X);
}

unwind_status unwind_step(const unwind_context *ctx, unwind_regs *regs, int first_frame)
{
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

const char *unwind_status_name(unwind_status status)
{
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
