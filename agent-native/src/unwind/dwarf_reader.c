/* Reading from memory already validated readable: fixed-size and LEB128 numbers, encoded pointers. */
#include "dwarf_cfi.h"

#include <string.h>

int cursor_has(byte_cursor *c, size_t n) {
    if (c->failed || (size_t)(c->end - c->pos) < n) {
        c->failed = 1;
        return 0;
    }
    return 1;
}

uint8_t take_u8(byte_cursor *c) {
    if (!cursor_has(c, 1))
        return 0;
    return *c->pos++;
}

/* An unsigned value of 1, 2, 4 or 8 bytes in the host's byte order (the CFI read is the running
 * process's own, little-endian on every architecture crashcap supports); 0 when the bytes run out. */
uint64_t take_fixed(byte_cursor *c, size_t size) {
    uint64_t v = 0;
    if (size <= sizeof(v) && cursor_has(c, size)) {
        memcpy(&v, c->pos, size);
        c->pos += size;
    }
    return v;
}

/* One LEB128 number; sign_extend for the signed form. At most 10 bytes: longer is no 64-bit value. */
static uint64_t take_leb128(byte_cursor *c, int sign_extend) {
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
            if (sign_extend && shift < 64 && (byte & 0x40))
                value |= ~UINT64_C(0) << shift;
            return value;
        }
    }
    c->failed = 1;
    return 0;
}

uint64_t take_uleb(byte_cursor *c) {
    return take_leb128(c, 0);
}

int64_t take_sleb(byte_cursor *c) {
    return (int64_t)take_leb128(c, 1);
}

/* How many bytes from addr on (at most max) lie in contiguous readable mappings. */
static size_t readable_span(const memory_map *m, uintptr_t addr, size_t max) {
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
byte_cursor cursor_at(const memory_map *m, uintptr_t addr, size_t len) {
    byte_cursor c;
    size_t span = addr == 0 ? 0 : readable_span(m, addr, len);
    c.pos = (const uint8_t *)addr;
    c.end = c.pos + span;
    c.failed = 0;
    return c;
}

int read_word(const memory_map *m, uintptr_t addr, uintptr_t *out) {
    if (!memory_map_readable(m, addr, sizeof(*out)))
        return 0;
    memcpy(out, (const void *)addr, sizeof(*out));
    return 1;
}



/* Reads one pointer in encoding `enc`. Returns 0 if the encoding is unsupported, a base is missing,
 * the bytes run out, or an indirect pointer cannot be read. */
int take_encoded(byte_cursor *c, uint8_t enc, const pointer_bases *bases, const memory_map *m,
                        uintptr_t *out) {
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
size_t encoded_size(uint8_t enc) {
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
