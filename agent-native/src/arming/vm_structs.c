#include "vm_structs.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
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
} vm_table;

static vm_table structs, types, int_constants;

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

/* dladdr on a JVM function finds libjvm.so also when it was loaded RTLD_LOCAL (an embedding launcher). */
static void *libjvm_handle(void *jvm_function) {
    Dl_info info;
    if (jvm_function == NULL || dladdr(jvm_function, &info) == 0 || info.dli_fname == NULL) return NULL;
    return dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD); /* a reference kept for the process's life */
}

const char *vm_structs_open(void *jvm_function) {
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
    return NULL;
}

static const char *string_at(const char *entry, uint64_t offset) {
    const char *text;
    memcpy(&text, entry + offset, sizeof text);
    return text;
}

/* The entry whose name (and, for structs, field name) match, or NULL. The end is the first entry
 * without a name. */
static const char *find(const vm_table *table, const char *name, const char *field) {
    if (table->entries == NULL) return NULL;
    const char *entry = table->entries;
    for (int i = 0; i < ENTRIES_MAX; i++, entry += table->stride) {
        const char *entry_name = string_at(entry, table->name);
        if (entry_name == NULL) return NULL;
        if (strcmp(entry_name, name) != 0) continue;
        if (field == NULL) return entry;
        const char *entry_field = string_at(entry, table->second);
        if (entry_field != NULL && strcmp(entry_field, field) == 0) return entry;
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
