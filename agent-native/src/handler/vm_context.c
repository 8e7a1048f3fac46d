#include "vm_context.h"

#include "sys.h"

vm_context_layout vm_context; /* filled at arming */

/* Real HotSpot builds have about 1,000 (JDK 25) to 1,400 (JDK 17) flags; more means the table was misread. */
#define FLAGS_MAX 10000
#define FLAG_NAME_MAX 128
#define FLAG_TEXT_MAX 1024

/* Origins, the low 4 bits of JVMFlag::_flags (JVMFlagOrigin, the same from JDK 11 to 25). */
static const char *const ORIGINS[] = {
    "default", "command line", "environment", "config file", "management", "ergonomic", "attach", "internal",
    "jimage",
};

/* JDK 17+: JVMFlag::_type is an ordinal into this list. */
static const char *const TYPES[] = {
    "bool", "int", "uint", "intx", "uintx", "uint64_t", "size_t", "double", "ccstr", "ccstrlist",
};

/* Flags the report's VM summary needs whatever their origin (their defaults say which GC, JIT, sharing). */
static const char *const SUMMARY_FLAGS[] = {
    "UseSerialGC", "UseParallelGC", "UseG1GC", "UseZGC", "UseShenandoahGC", "UseEpsilonGC", "ZGenerational",
    "UseCompiler", "UseInterpreter", "TieredCompilation", "UseSharedSpaces", "UseCompressedOops",
    "UseCompressedClassPointers", "UseCompactObjectHeaders", "InitialHeapSize", "MinHeapSize", "MaxHeapSize",
};

static int read_bytes(const memory_map *map, uintptr_t address, void *out, size_t size) {
    if (address == 0 || !memory_map_readable(map, address, size)) return 0;
    memcpy(out, (const void *)address, size);
    return 1;
}

/* A NUL-terminated string of HotSpot's, cut at size-1 bytes; each page is checked before it is read. */
static int read_string(const memory_map *map, uintptr_t address, char *out, size_t size) {
    size_t n = 0;
    for (; n + 1 < size; n++) {
        uintptr_t at = address + n;
        if ((n == 0 || (at & 4095) == 0) && !memory_map_readable(map, at, 1)) return 0;
        char c = *(const char *)at;
        if (c == '\0') break;
        out[n] = c;
    }
    out[n] = '\0';
    return 1;
}

static int is_summary_flag(const char *name) {
    for (size_t i = 0; i < sizeof SUMMARY_FLAGS / sizeof SUMMARY_FLAGS[0]; i++) {
        if (text_equal(name, SUMMARY_FLAGS[i])) return 1;
    }
    return 0;
}

/* The type's name (JDK 17+ ordinal or JDK 8/11 string), or NULL. */
static const char *type_name(const memory_map *map, const char *entry, char *scratch, size_t size) {
    if (vm_context.type_is_string) {
        uintptr_t text = 0;
        if (!read_bytes(map, (uintptr_t)(entry + vm_context.type_offset), &text, sizeof text)) return NULL;
        return read_string(map, text, scratch, size) ? scratch : NULL;
    }
    int32_t ordinal = -1;
    if (!read_bytes(map, (uintptr_t)(entry + vm_context.type_offset), &ordinal, sizeof ordinal)) return NULL;
    return ordinal >= 0 && ordinal < (int32_t)(sizeof TYPES / sizeof TYPES[0]) ? TYPES[ordinal] : NULL;
}

/* The value as text into out: decimal numbers, true/false, a double's IEEE bits in hex (no printf here: the
 * reader converts them), a string as it is (cut to fit). Returns 0 when it cannot be read. */
static int value_text(const memory_map *map, const char *type, uintptr_t address, char *out, size_t size) {
    uint64_t raw = 0;
    if (text_equal(type, "bool")) {
        uint8_t value = 0;
        if (!read_bytes(map, address, &value, 1)) return 0;
        copy_text(out, size, value ? "true" : "false");
    } else if (text_equal(type, "int") || text_equal(type, "uint")) {
        uint32_t value = 0;
        if (!read_bytes(map, address, &value, 4)) return 0;
        if (text_equal(type, "int")) format_dec(out, size, (int32_t)value);
        else format_udec(out, size, value);
    } else if (text_equal(type, "intx")) {
        if (!read_bytes(map, address, &raw, 8)) return 0;
        format_dec(out, size, (int64_t)raw);
    } else if (text_equal(type, "uintx") || text_equal(type, "uint64_t") || text_equal(type, "size_t")) {
        if (!read_bytes(map, address, &raw, 8)) return 0;
        format_udec(out, size, raw);
    } else if (text_equal(type, "double")) {
        if (!read_bytes(map, address, &raw, 8)) return 0;
        format_hex(out, size, raw);
    } else if (text_equal(type, "ccstr") || text_equal(type, "ccstrlist")) {
        uintptr_t pointer = 0;
        if (!read_bytes(map, address, &pointer, sizeof pointer)) return 0;
        if (pointer == 0) copy_text(out, size, "");
        else if (!read_string(map, pointer, out, size)) return 0;
    } else {
        return 0;
    }
    return 1;
}

/* The flag's kind, from the bits above the origin (KIND_MANAGEABLE 1<<5, KIND_DIAGNOSTIC 1<<6,
 * KIND_EXPERIMENTAL 1<<7, the same from JDK 11 to 25): hs_err lists diagnostic and experimental flags only
 * when they are unlocked. */
static const char *kind_name(int32_t bits) {
    if (bits & (1 << 6)) return "diagnostic";
    if (bits & (1 << 7)) return "experimental";
    if (bits & (1 << 5)) return "manageable";
    return "product";
}

/* flag TAB name TAB type TAB kind TAB origin TAB value. Everything is read before the record is begun, so that an
 * unreadable field leaves no half record. */
static void write_flag(bundle_writer *w, const memory_map *map, const char *entry) {
    static char value[FLAG_TEXT_MAX]; /* only the capture owner writes flags */
    char name[FLAG_NAME_MAX], type_scratch[32];
    uintptr_t name_address = 0, value_address = 0;
    int32_t bits = 0;
    if (!read_bytes(map, (uintptr_t)(entry + vm_context.name_offset), &name_address, sizeof name_address) ||
        !read_bytes(map, (uintptr_t)(entry + vm_context.flags_offset), &bits, sizeof bits) ||
        !read_bytes(map, (uintptr_t)(entry + vm_context.addr_offset), &value_address, sizeof value_address) ||
        !read_string(map, name_address, name, sizeof name)) {
        return;
    }
    unsigned origin = (unsigned)bits & 0xf;
    if (origin == 0 && !is_summary_flag(name)) return;
    const char *type = type_name(map, entry, type_scratch, sizeof type_scratch);
    if (type == NULL || !value_text(map, type, value_address, value, sizeof value)) return;
    bw_text(w, "flag\t");
    bw_value(w, name);
    bw_text(w, "\t");
    bw_value(w, type);
    bw_text(w, "\t");
    bw_text(w, kind_name(bits));
    bw_text(w, "\t");
    if (origin < sizeof ORIGINS / sizeof ORIGINS[0]) bw_text(w, ORIGINS[origin]);
    else bw_dec(w, origin);
    bw_text(w, "\t");
    bw_value(w, value);
    bw_text(w, "\n");
}

static void write_flags(bundle_writer *w, const memory_map *map) {
    uintptr_t table = 0;
    uint64_t count = 0;
    if (!read_bytes(map, (uintptr_t)vm_context.flags_variable, &table, sizeof table) ||
        !read_bytes(map, (uintptr_t)vm_context.count_variable, &count, sizeof count) || table == 0) {
        bw_field_text(w, "flags.problem", "the flag table is not readable");
        return;
    }
    if (count > FLAGS_MAX) count = FLAGS_MAX;
    bw_field_dec(w, "flags.count", (int64_t)count);
    for (uint64_t i = 0; i < count; i++) {
        const char *entry = (const char *)(table + i * vm_context.stride);
        uintptr_t name = 0;
        if (!read_bytes(map, (uintptr_t)(entry + vm_context.name_offset), &name, sizeof name)) break;
        if (name == 0) break; /* the table ends with an entry without a name */
        write_flag(w, map, entry);
        if ((i & 127) == 127) bw_flush(w);
    }
}

static void write_heap(bundle_writer *w, const memory_map *map) {
    uintptr_t heap = 0, start = 0;
    uint64_t words = 0;
    if (!read_bytes(map, (uintptr_t)vm_context.heap_variable, &heap, sizeof heap) || heap == 0) return;
    uintptr_t region = heap + vm_context.heap_reserved;
    if (!read_bytes(map, region + vm_context.region_start, &start, sizeof start) ||
        !read_bytes(map, region + vm_context.region_words, &words, sizeof words) || start == 0 || words == 0) {
        return;
    }
    bw_text(w, "heap.reserved\t");
    bw_hex(w, start);
    bw_text(w, "\t");
    bw_hex(w, words * 8);
    bw_text(w, "\n");
}

void vm_context_write(bundle_writer *w, const memory_map *map) {
    bw_section(w, "vm");
    if (vm_context.flags_ready) write_flags(w, map);
    else bw_field_text(w, "flags.problem", vm_context.problem != NULL ? vm_context.problem : "HotSpot's tables were not read");
    if (vm_context.heap_ready) write_heap(w, map);
    bw_flush(w);
}
