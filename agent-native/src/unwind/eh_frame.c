/* CIE and FDE records of .eh_frame, and finding the FDE for a pc through .eh_frame_hdr's binary
 * search table (or a bounded linear scan when there is none). */
#include "dwarf_cfi.h"

#include <string.h>

/* The bounds of the record at addr: *body is the CIE id / CIE pointer field, the cursor ends with the
 * record. Returns 0 for the zero terminator or on any failure (reported through *status). */
static int open_record(const memory_map *m, uintptr_t addr, byte_cursor *record, int *is_64bit,
                       unwind_status *status) {
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
                                             const memory_map *m) {
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

static unwind_status parse_cie(const memory_map *m, uintptr_t addr, cie_info *cie) {
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
                               uintptr_t *next) {
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


/* Walks .eh_frame record by record: for .eh_frame_hdr files without a search table, or with a table
 * in an encoding we cannot index. */
static unwind_status scan_eh_frame(const memory_map *m, uintptr_t eh_frame, uintptr_t pc, cie_info *cie,
                                   fde_info *fde) {
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
                                  uint8_t table_enc, uintptr_t pc, uintptr_t *fde_addr) {
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

unwind_status find_fde(const memory_map *m, uintptr_t hdr, uintptr_t pc, cie_info *cie, fde_info *fde) {
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
