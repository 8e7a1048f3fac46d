#include "java_method_name.h"

#include "own_memory.h"
#include "sys.h"

hotspot_method_layout hotspot_methods = { .problem = "HotSpot's method layout was not read (not armed)" };

const char *java_method_layout_problem(void) {
    return hotspot_methods.ready ? NULL : hotspot_methods.problem;
}

/* ---- guarded reads ---------------------------------------------------------------------------- */

static int read_bytes(const memory_map *map, uintptr_t address, void *out, size_t size) {
    return own_memory_read(map, address, out, size);
}

/* A pointer field: non-null and 8-byte aligned (every metadata object HotSpot allocates is). */
static uintptr_t read_pointer(const memory_map *map, uintptr_t address) {
    uintptr_t value = 0;
    if (!read_bytes(map, address, &value, sizeof value) || (value & (sizeof(void *) - 1)) != 0) return 0;
    return value;
}

static int read_u2(const memory_map *map, uintptr_t address, uint16_t *out) {
    return read_bytes(map, address, out, sizeof *out);
}

/* ---- Symbols ---------------------------------------------------------------------------------- */


/* Slot `index` of a constant pool (the pointers follow the ConstantPool object): the Symbol* of a Utf8 entry. */
static uintptr_t pool_symbol(const memory_map *map, uintptr_t pool, int pool_length, uint16_t index) {
    if (index == 0 || index >= pool_length) return 0;
    return read_pointer(map, pool + hotspot_methods.pool_struct_size + (uintptr_t)index * sizeof(void *));
}

/* Copies a Symbol's bytes (not NUL-terminated there) as they are; 0 when unreadable, empty, holding a NUL, or
 * too long (never cut: a cut name would be another name). */
static int copy_symbol(const memory_map *map, uintptr_t symbol, char *out, size_t size) {
    uint16_t length;
    if (symbol == 0 || (symbol & 7) != 0 || !read_u2(map, symbol + hotspot_methods.symbol_length, &length) ||
        length == 0 || (size_t)length + 1 > size || !read_bytes(map, symbol + hotspot_methods.symbol_body, out, length)) {
        return 0;
    }
    out[length] = '\0';
    for (size_t i = 0; i < length; i++) {
        if (out[i] == '\0') return 0;
    }
    return 1;
}

static int is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A class's internal name (com/example/Worker) as Class.getName() gives it (com.example.Worker). HotSpot names
 * a hidden class com/example/Worker$$Lambda+0x0000000801001234 (its name, '+', its address), which
 * Class.getName() shows with a '/' for that '+'. The Symbol does not say whether the class is hidden (a flag
 * elsewhere whose place moved between JDK 17 and 25), so a name that ends in '+0x' and hex digits is taken for
 * a hidden class's: '+' is legal in a class name, but a class named so on purpose is not worth a wrong name
 * for every lambda. */
static int class_name(const memory_map *map, uintptr_t symbol, char *out, size_t size) {
    if (!copy_symbol(map, symbol, out, size)) return 0;
    size_t length = 0;
    while (out[length] != '\0') length++;
    size_t plus = length;
    for (size_t i = length; i > 0; i--) {
        if (out[i - 1] == '+') {
            plus = i - 1;
            break;
        }
        if (!is_hex(out[i - 1]) && out[i - 1] != 'x') break;
    }
    int hidden = plus + 3 < length && out[plus + 1] == '0' && out[plus + 2] == 'x';
    for (size_t i = plus + 3; hidden && i < length; i++) hidden = is_hex(out[i]);
    for (size_t i = 0; i < length; i++) {
        if (out[i] == '/') out[i] = '.';
    }
    if (hidden) out[plus] = '/';
    return 1;
}

/* ---- the line number table -------------------------------------------------------------------- */

/* One UNSIGNED5 number (HotSpot's CompressedReadStream::read_int): up to five bytes, each worth its value less
 * the excluded byte; bytes of 192 and more say another byte follows. */
static int read_unsigned5(const uint8_t *table, size_t size, size_t *position, int excluded, uint32_t *out) {
    uint32_t sum = 0;
    for (int i = 0, shift = 0; i < 5; i++, shift += 6) {
        if (*position >= size) return 0;
        uint32_t byte = table[(*position)++];
        if (byte < (uint32_t)excluded) return 0;
        sum += (byte - (uint32_t)excluded) << shift;
        if (byte < 192 || i == 4) {
            *out = sum;
            return 1;
        }
    }
    return 0;
}

static int read_signed5(const uint8_t *table, size_t size, size_t *position, int excluded, int32_t *out) {
    uint32_t value;
    if (!read_unsigned5(table, size, position, excluded, &value)) return 0;
    *out = (int32_t)(value >> 1) ^ -(int32_t)(value & 1);
    return 1;
}

int java_line_table_lookup(const uint8_t *table, size_t size, int excluded_byte, int bci) {
    int32_t at_bci = 0, line = 0;
    int best_bci = 0, best_line = -1;
    size_t position = 0;
    for (;;) {
        if (position >= size) return -1; /* no end: not a line table, or cut off; no line rather than a wrong one */
        uint8_t next = table[position++];
        if (next == 0) break;
        if (next == 0xFF) {
            int32_t bci_delta, line_delta;
            if (!read_signed5(table, size, &position, excluded_byte, &bci_delta) ||
                !read_signed5(table, size, &position, excluded_byte, &line_delta)) {
                return -1; /* cut off or malformed: no line rather than a wrong one */
            }
            at_bci += bci_delta;
            line += line_delta;
        } else {
            at_bci += next >> 3;
            line += next & 7;
        }
        if (at_bci == bci) return line;
        if (at_bci < bci && at_bci >= best_bci) {
            best_bci = at_bci;
            best_line = line;
        }
    }
    return best_line;
}

/* ---- methods ---------------------------------------------------------------------------------- */

uintptr_t java_method_from_id(const memory_map *map, jmethodID id) {
    if (!hotspot_methods.ready || id == NULL) return 0;
    uintptr_t method = read_pointer(map, (uintptr_t)id);
    uintptr_t const_method = method ? read_pointer(map, method + hotspot_methods.method_const_method) : 0;
    uintptr_t pool = const_method ? read_pointer(map, const_method + hotspot_methods.const_method_constants) : 0;
    uintptr_t holder = pool ? read_pointer(map, pool + hotspot_methods.pool_holder) : 0;
    uintptr_t ids = holder ? read_pointer(map, holder + hotspot_methods.klass_jmethod_ids) : 0;
    uint16_t idnum;
    uintptr_t count = 0, listed = 0;
    if (ids == 0 || !read_u2(map, const_method + hotspot_methods.const_method_idnum, &idnum) ||
        !read_bytes(map, ids, &count, sizeof count) || idnum >= count ||
        !read_bytes(map, ids + (1 + (uintptr_t)idnum) * sizeof(void *), &listed, sizeof listed) ||
        listed != (uintptr_t)id) {
        return 0;
    }
    return method;
}

/* A line table outside the capture's map is copied onto the stack, this much of it at most; a longer one (a
 * method of thousands of lines) then gives no line. */
#define LINE_TABLE_MAX 4096

static int line_of(const memory_map *map, uintptr_t table, uint64_t room, int bci) {
    /* Straight from memory where the map says it can be (nearly always), else a copy of its start. */
    if (memory_map_readable(map, table, (size_t)room)) {
        return java_line_table_lookup((const uint8_t *)table, (size_t)room, hotspot_methods.line_table_excluded_byte, bci);
    }
    uint8_t copy[LINE_TABLE_MAX];
    size_t size = room < LINE_TABLE_MAX ? (size_t)room : LINE_TABLE_MAX;
    if (!sys_read_own_memory(copy, table, size)) return -1;
    return java_line_table_lookup(copy, size, hotspot_methods.line_table_excluded_byte, bci);
}

int java_method_name_read(const memory_map *map, uintptr_t method, int bci, java_method_name *out) {
    if (!hotspot_methods.ready || method == 0 || (method & 7) != 0) return 0;
    uintptr_t const_method = read_pointer(map, method + hotspot_methods.method_const_method);
    int32_t size_words = 0;
    uint16_t code_size = 0, name_index = 0;
    uint32_t flags = 0; /* 2 or 4 bytes, little-endian: a u2 fills the low half */
    if (const_method == 0 ||
        !read_bytes(map, const_method + hotspot_methods.const_method_size_words, &size_words, sizeof size_words) ||
        !read_u2(map, const_method + hotspot_methods.const_method_code_size, &code_size) ||
        !read_u2(map, const_method + hotspot_methods.const_method_name_index, &name_index) ||
        !read_bytes(map, const_method + hotspot_methods.const_method_flags, &flags,
                    (size_t)hotspot_methods.const_method_flags_size)) {
        return 0;
    }
    uint64_t bytes = (uint64_t)(size_words > 0 ? size_words : 0) * sizeof(void *);
    uint64_t code_end = hotspot_methods.const_method_struct_size + code_size;
    if (bytes < code_end || bytes > (1u << 24)) return 0; /* a ConstMethod holds at most 64 KiB of code */

    uintptr_t pool = read_pointer(map, const_method + hotspot_methods.const_method_constants);
    int32_t pool_length = 0;
    if (pool == 0 || !read_bytes(map, pool + hotspot_methods.pool_length, &pool_length, sizeof pool_length) ||
        pool_length <= 0 || pool_length > 65536) {
        return 0;
    }
    uintptr_t holder = read_pointer(map, pool + hotspot_methods.pool_holder);
    if (holder == 0 || !class_name(map, read_pointer(map, holder + hotspot_methods.klass_name), out->class_name,
                                   sizeof out->class_name) ||
        !copy_symbol(map, pool_symbol(map, pool, pool_length, name_index), out->method_name, sizeof out->method_name)) {
        return 0;
    }
    uint16_t source_index = 0;
    out->source_file[0] = '\0';
    if (read_u2(map, pool + hotspot_methods.pool_source_file_index, &source_index) && source_index != 0 &&
        !copy_symbol(map, pool_symbol(map, pool, pool_length, source_index), out->source_file, sizeof out->source_file)) {
        out->source_file[0] = '\0';
    }
    out->line = -1;
    if ((flags & hotspot_methods.has_line_table_flag) && bci >= 0 && bci < code_size) {
        out->line = line_of(map, const_method + code_end, bytes - code_end, bci);
    }
    return 1;
}
