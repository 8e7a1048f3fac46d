#include "vm_structs.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A table and where the fields of its entries are: byte offsets inside one entry, and the entry size. */
typedef struct {
    const char *entries;
    uint64_t stride;
    uint64_t name;                /* the entry's first string: typeName (structs, types) or name (constants) */
    uint64_t second;              /* fieldName (structs), size (types), value (constants) */
    uint64_t type_string;         /* structs only */
    uint64_t is_static;           /* structs only */
    uint64_t offset;              /* structs only */
    uint64_t address;             /* structs only: a static field's address */
    int has_field;                /* structs: entries are found by name and field name */
    uint32_t *slots;              /* a hash index of the entries (entry number + 1, 0 for free), or NULL */
    uint32_t slot_mask;
} vm_table;

static vm_table structs, types, int_constants;
static int opened;                /* vm_structs_open found the tables; they are not searched for again */

/* HotSpot's tables hold a few thousand entries; more means the layout was misread. */
#define ENTRIES_MAX 100000
#define STRIDE_MAX 256

static void *symbol_in(void *handle, const char *name) {
    void *found = dlsym(RTLD_DEFAULT, name);
    if (found == NULL && handle != NULL) found = dlsym(handle, name);
    return found;
}

static int read_u64(void *handle, const char *name, uint64_t *out) {
    const uint64_t *variable = symbol_in(handle, name);
    if (variable == NULL) return 0;
    *out = *variable;
    return 1;
}

/* A field offset inside an entry must leave room for the field (a pointer or 8-byte value at most). */
static int fits(uint64_t field_offset, uint64_t stride) {
    return stride >= 8 && stride <= STRIDE_MAX && field_offset + sizeof(uint64_t) <= stride;
}

static const char *open_table(void *handle, vm_table *table, const char *array, const char *prefix,
                              const char *name_field, const char *second_field) {
    char symbol[96];
    const char *const *pointer = symbol_in(handle, array);
    if (pointer == NULL || *pointer == NULL) return "libjvm.so exports no gHotSpotVM tables";
    table->entries = *pointer;
    struct {
        const char *field;
        uint64_t *out;
    } wanted[] = {
        { "ArrayStride", &table->stride },
        { name_field, &table->name },
        { second_field, &table->second },
    };
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
        snprintf(symbol, sizeof symbol, "%s%s", prefix, wanted[i].field);
        if (!read_u64(handle, symbol, wanted[i].out)) return "libjvm.so lacks an entry-layout symbol of gHotSpotVM tables";
    }
    if (!fits(table->name, table->stride) || !fits(table->second, table->stride)) {
        return "gHotSpotVM entry layout out of range";
    }
    return NULL;
}

static const char *string_at(const char *entry, uint64_t offset) {
    const char *text;
    memcpy(&text, entry + offset, sizeof text);
    return text;
}

/* FNV-1a over the name and, for structs, a zero byte and the field name. */
static uint32_t key_hash(const vm_table *table, const char *name, const char *field) {
    uint32_t hash = 2166136261u;
    for (const char *p = name; *p != '\0'; p++) hash = (hash ^ (unsigned char)*p) * 16777619u;
    if (table->has_field) {
        hash *= 16777619u;
        for (const char *p = field != NULL ? field : ""; *p != '\0'; p++) hash = (hash ^ (unsigned char)*p) * 16777619u;
    }
    return hash;
}

/* A hash index of a table's entries, so that the hundred or so lookups of arming do not each compare their way
 * through thousands of names (1.7 million instructions, about 0.3 ms, at every start: callgrind). Without memory for
 * it, lookups search the table from the start, as they always did. */
static void index_table(vm_table *table) {
    uint32_t count = 0;
    for (const char *entry = table->entries; count < ENTRIES_MAX && string_at(entry, table->name) != NULL;
         entry += table->stride) {
        count++;
    }
    uint32_t size = 64;
    while (size < 2 * count) size *= 2;
    table->slots = calloc(size, sizeof *table->slots); /* arming time, kept for the process's life */
    if (table->slots == NULL) return;
    table->slot_mask = size - 1;
    const char *entry = table->entries;
    for (uint32_t i = 0; i < count; i++, entry += table->stride) {
        const char *field = table->has_field ? string_at(entry, table->second) : NULL;
        uint32_t slot = key_hash(table, string_at(entry, table->name), field) & table->slot_mask;
        while (table->slots[slot] != 0) slot = (slot + 1) & table->slot_mask;
        table->slots[slot] = i + 1;
    }
}

/* dladdr on a JVM function finds libjvm.so also when it was loaded RTLD_LOCAL (an embedding launcher). */
static void *libjvm_handle(void *jvm_function) {
    Dl_info info;
    if (jvm_function == NULL || dladdr(jvm_function, &info) == 0 || info.dli_fname == NULL) return NULL;
    return dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD); /* a reference kept for the process's life */
}

static const char *open_tables(void *jvm_function) {
    void *handle = libjvm_handle(jvm_function);
    const char *problem = open_table(handle, &structs, "gHotSpotVMStructs", "gHotSpotVMStructEntry",
                                     "TypeNameOffset", "FieldNameOffset");
    if (problem == NULL) problem = open_table(handle, &types, "gHotSpotVMTypes", "gHotSpotVMTypeEntry",
                                              "TypeNameOffset", "SizeOffset");
    if (problem == NULL) problem = open_table(handle, &int_constants, "gHotSpotVMIntConstants",
                                              "gHotSpotVMIntConstantEntry", "NameOffset", "ValueOffset");
    if (problem != NULL) return problem;
    if (!read_u64(handle, "gHotSpotVMStructEntryTypeStringOffset", &structs.type_string) ||
        !read_u64(handle, "gHotSpotVMStructEntryIsStaticOffset", &structs.is_static) ||
        !read_u64(handle, "gHotSpotVMStructEntryOffsetOffset", &structs.offset) ||
        !read_u64(handle, "gHotSpotVMStructEntryAddressOffset", &structs.address)) {
        return "libjvm.so lacks an entry-layout symbol of gHotSpotVMStructs";
    }
    if (!fits(structs.type_string, structs.stride) || !fits(structs.offset, structs.stride) ||
        !fits(structs.address, structs.stride) ||
        structs.is_static + sizeof(int32_t) > structs.stride) {
        return "gHotSpotVMStructs entry layout out of range";
    }
    structs.has_field = 1;
    index_table(&structs);
    index_table(&types);
    index_table(&int_constants);
    return NULL;
}

/* Every preparation of arming opens the tables; once found, the dlsym calls and the index are not done again. */
const char *vm_structs_open(void *jvm_function) {
    if (opened) return NULL;
    const char *problem = open_tables(jvm_function);
    opened = problem == NULL;
    return problem;
}

static int entry_matches(const vm_table *table, const char *entry, const char *name, const char *field) {
    const char *entry_name = string_at(entry, table->name);
    if (entry_name == NULL || strcmp(entry_name, name) != 0) return 0;
    if (field == NULL) return 1;
    const char *entry_field = string_at(entry, table->second);
    return entry_field != NULL && strcmp(entry_field, field) == 0;
}

/* The first entry whose name (and, for structs, field name) match, or NULL. The end of a table is the first entry
 * without a name. */
static const char *find(const vm_table *table, const char *name, const char *field) {
    if (table->entries == NULL) return NULL;
    const char *first = NULL;
    if (table->slots != NULL) {
        for (uint32_t slot = key_hash(table, name, field) & table->slot_mask; table->slots[slot] != 0;
             slot = (slot + 1) & table->slot_mask) {
            const char *entry = table->entries + (uint64_t)(table->slots[slot] - 1) * table->stride;
            if (entry_matches(table, entry, name, field) && (first == NULL || entry < first)) first = entry;
        }
        return first;
    }
    const char *entry = table->entries;
    for (int i = 0; i < ENTRIES_MAX && string_at(entry, table->name) != NULL; i++, entry += table->stride) {
        if (entry_matches(table, entry, name, field)) return entry;
    }
    return NULL;
}

int vm_structs_field(const char *type, const char *field, uint64_t *offset, const char **type_string) {
    const char *entry = find(&structs, type, field);
    if (entry == NULL) return 0;
    int32_t is_static;
    memcpy(&is_static, entry + structs.is_static, sizeof is_static);
    if (is_static) return 0;
    memcpy(offset, entry + structs.offset, sizeof *offset);
    *type_string = string_at(entry, structs.type_string);
    return 1;
}

int vm_structs_static_address(const char *type, const char *field, void **address, const char **type_string) {
    const char *entry = find(&structs, type, field);
    if (entry == NULL) return 0;
    int32_t is_static;
    memcpy(&is_static, entry + structs.is_static, sizeof is_static);
    if (!is_static) return 0;
    memcpy(address, entry + structs.address, sizeof *address);
    *type_string = string_at(entry, structs.type_string);
    return *address != NULL;
}

int vm_structs_type_size(const char *type, uint64_t *size) {
    const char *entry = find(&types, type, NULL);
    if (entry == NULL) return 0;
    memcpy(size, entry + types.second, sizeof *size);
    return 1;
}

int vm_structs_int_constant(const char *name, int32_t *value) {
    const char *entry = find(&int_constants, name, NULL);
    if (entry == NULL) return 0;
    memcpy(value, entry + int_constants.second, sizeof *value);
    return 1;
}
