#include "hotspot_code.h"

#include "sys.h"

hotspot_code_layout hotspot_code = { .problem = "HotSpot's code cache was not read (not armed)" };

/* A segment map byte: 0 marks a block's first segment, 1..254 how many segments to step back towards it,
 * 255 a segment no block uses (heap.hpp, CodeHeap::free_sentinel). */
#define SEGMAP_FREE 0xFF
/* A block spans at most the whole heap; 254 segments a hop, 2^16 hops cover 16 million segments. */
#define SEGMAP_HOPS_MAX 65536
#define JVM_ACC_NATIVE 0x0100

int hotspot_read_word(const memory_map *map, uintptr_t address, uintptr_t *out) {
    if (address + sizeof(uintptr_t) < address || !memory_map_readable(map, address, sizeof(uintptr_t))) return 0;
    memcpy(out, (const void *)address, sizeof *out);
    return 1;
}

/* An integer field of `bytes` bytes (1, 2 or 4), sign-extended. */
static int read_int(const memory_map *map, uintptr_t address, int bytes, int32_t *out) {
    if (!memory_map_readable(map, address, (size_t)bytes)) return 0;
    if (bytes == 1) {
        int8_t value;
        memcpy(&value, (const void *)address, 1);
        *out = value;
    } else if (bytes == 2) {
        int16_t value;
        memcpy(&value, (const void *)address, 2);
        *out = value;
    } else {
        memcpy(out, (const void *)address, 4);
    }
    return 1;
}

int hotspot_code_contains(uintptr_t pc) {
    return hotspot_code.ready && pc >= hotspot_code.low_bound && pc < hotspot_code.high_bound;
}

/* The start of the block holding pc in its heap, 0 when none. */
static uintptr_t block_of(const memory_map *map, int heap, uintptr_t pc) {
    uintptr_t low = hotspot_code.heaps[heap].low;
    uintptr_t segmap = hotspot_code.heaps[heap].segmap;
    unsigned shift = hotspot_code.heaps[heap].log2_segment;
    uintptr_t segment = (pc - low) >> shift;
    for (int hop = 0; hop < SEGMAP_HOPS_MAX; hop++) {
        if (!memory_map_readable(map, segmap + segment, 1)) return 0;
        uint8_t back = *(const volatile uint8_t *)(segmap + segment);
        if (back == SEGMAP_FREE || back > segment) return 0;
        if (back == 0) return low + (segment << shift);
        segment -= back;
    }
    return 0;
}

static int name_is(const memory_map *map, const char *name, const char *expected) {
    size_t length = strlen(expected) + 1;
    return name != NULL && memory_map_readable(map, (uintptr_t)name, length) && memcmp(name, expected, length) == 0;
}

static hotspot_blob_kind kind_of(const memory_map *map, uintptr_t blob, const char *name) {
    if (hotspot_code.has_kind) {
        int32_t kind;
        if (!read_int(map, blob + hotspot_code.blob_kind, 1, &kind)) return BLOB_OTHER;
        return (uint8_t)kind == hotspot_code.kind_nmethod ? BLOB_NMETHOD : BLOB_OTHER;
    }
    /* JDK 17 tells CodeBlob subclasses apart only by virtual functions; nmethods are named so by their constructor
     * (compiledMethod.cpp, nmethod.cpp). */
    return name_is(map, name, "nmethod") || name_is(map, name, "native nmethod") ? BLOB_NMETHOD : BLOB_OTHER;
}

int hotspot_blob_find(const memory_map *map, uintptr_t pc, hotspot_blob *out) {
    if (!hotspot_code_contains(pc)) return 0;
    uintptr_t block = 0;
    for (int i = 0; i < hotspot_code.heap_count && block == 0; i++) {
        if (pc >= hotspot_code.heaps[i].low && pc < hotspot_code.heaps[i].high) block = block_of(map, i, pc);
    }
    if (block == 0) return 0;
    uintptr_t blob = block + hotspot_code.heap_block_size;
    uintptr_t name = 0, begin = 0, end = 0;
    int32_t frame_size, complete;
    if (!hotspot_read_word(map, blob + hotspot_code.blob_name, &name) ||
        !read_int(map, blob + hotspot_code.blob_frame_size, 4, &frame_size) ||
        !read_int(map, blob + hotspot_code.blob_frame_complete, hotspot_code.frame_complete_bytes, &complete)) {
        return 0;
    }
    if (hotspot_code.code_is_offset) {
        int32_t begin_offset, end_offset;
        if (!read_int(map, blob + hotspot_code.blob_code_begin, 4, &begin_offset) ||
            !read_int(map, blob + hotspot_code.blob_code_end, 4, &end_offset) || begin_offset < 0 || end_offset < begin_offset) {
            return 0;
        }
        begin = blob + (uintptr_t)begin_offset;
        end = blob + (uintptr_t)end_offset;
    } else if (!hotspot_read_word(map, blob + hotspot_code.blob_code_begin, &begin) ||
               !hotspot_read_word(map, blob + hotspot_code.blob_code_end, &end)) {
        return 0;
    }
    /* A pc the blob does not hold: the segment map and the blob disagree (freed meanwhile, or a misread layout). */
    if (pc < begin || pc >= end || frame_size < 0 || frame_size > (1 << 20)) return 0;
    out->start = blob;
    out->code_begin = begin;
    out->code_end = end;
    out->frame_size = frame_size;
    out->frame_complete = complete;
    out->name = (const char *)name;
    if (pc >= hotspot_code.interpreter_low && pc < hotspot_code.interpreter_high) out->kind = BLOB_INTERPRETER;
    else out->kind = kind_of(map, blob, out->name);
    return 1;
}

uintptr_t hotspot_nmethod_method(const memory_map *map, const hotspot_blob *blob) {
    uintptr_t method = 0;
    if (blob->kind != BLOB_NMETHOD || !hotspot_read_word(map, blob->start + hotspot_code.nmethod_method, &method)) return 0;
    return method;
}

int hotspot_nmethod_level(const memory_map *map, const hotspot_blob *blob) {
    int32_t level;
    if (blob->kind != BLOB_NMETHOD ||
        !read_int(map, blob->start + hotspot_code.nmethod_comp_level, hotspot_code.comp_level_bytes, &level)) {
        return -1;
    }
    return level;
}

int hotspot_method_is_native(const memory_map *map, uintptr_t method) {
    int32_t flags;
    if (method == 0 || !read_int(map, method + hotspot_code.method_access_flags, hotspot_code.access_flags_bytes, &flags)) {
        return -1;
    }
    return (flags & JVM_ACC_NATIVE) != 0;
}

int hotspot_method_bci(const memory_map *map, uintptr_t method, uintptr_t bcp) {
    uintptr_t const_method = 0;
    int32_t code_size;
    if (method == 0 || !hotspot_read_word(map, method + hotspot_code.method_const_method, &const_method) ||
        const_method == 0 || !read_int(map, const_method + hotspot_code.const_method_code_size, 2, &code_size)) {
        return -1;
    }
    uintptr_t code = const_method + hotspot_code.const_method_size;
    uint32_t size = (uint16_t)code_size;
    if (bcp < code || bcp >= code + size) return -1;
    return (int)(bcp - code);
}

uintptr_t hotspot_method_of_id(const memory_map *map, const void *method_id) {
    uintptr_t method = 0;
    if (method_id == NULL || !hotspot_read_word(map, (uintptr_t)method_id, &method)) return 0;
    return method;
}

int hotspot_is_call_stub_return(uintptr_t pc) {
    return hotspot_code.ready && pc == hotspot_code.call_stub_return;
}

const char *hotspot_code_problem(void) {
    return hotspot_code.ready ? NULL : hotspot_code.problem;
}
