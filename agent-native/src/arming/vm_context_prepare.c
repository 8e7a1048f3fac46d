#include <string.h>

#include "vm_context.h"
#include "vm_structs.h"

/* A non-static field's offset, within an object of object_size bytes. */
static int field(const char *type, const char *name, uint64_t object_size, uint64_t *offset, const char **type_string) {
    const char *spelled = NULL;
    if (!vm_structs_field(type, name, offset, &spelled)) return 0;
    if (type_string != NULL) *type_string = spelled;
    return *offset + sizeof(uint32_t) <= object_size;
}

static const char *prepare_flags(void) {
    const char *type_string = NULL;
    void *address = NULL;
    if (!vm_structs_type_size("JVMFlag", &vm_context.stride) || vm_context.stride < 16 || vm_context.stride > 256) {
        return "gHotSpotVMTypes has no usable JVMFlag";
    }
    if (!vm_structs_static_address("JVMFlag", "flags", &address, &type_string)) return "gHotSpotVMStructs has no JVMFlag::flags";
    vm_context.flags_variable = address;
    if (!vm_structs_static_address("JVMFlag", "numFlags", &address, &type_string)) return "gHotSpotVMStructs has no JVMFlag::numFlags";
    vm_context.count_variable = address;
    const char *type_of_type = NULL;
    if (!field("JVMFlag", "_type", vm_context.stride, &vm_context.type_offset, &type_of_type) ||
        !field("JVMFlag", "_name", vm_context.stride, &vm_context.name_offset, NULL) ||
        !field("JVMFlag", "_addr", vm_context.stride, &vm_context.addr_offset, NULL) ||
        !field("JVMFlag", "_flags", vm_context.stride, &vm_context.flags_offset, NULL)) {
        return "gHotSpotVMStructs lacks a field of JVMFlag (_type, _name, _addr, _flags)";
    }
    /* JDK 17 and later: an int ordinal (bool, int, uint, intx, uintx, uint64_t, size_t, double, ccstr,
     * ccstrlist); JDK 8 and 11: the type's name as a string. The table says which it is. */
    if (type_of_type != NULL && strcmp(type_of_type, "const char*") == 0) vm_context.type_is_string = 1;
    else if (type_of_type == NULL || strcmp(type_of_type, "int") != 0) return "JVMFlag::_type has an unknown type";
    return NULL;
}

static void prepare_heap(void) {
    void *address = NULL;
    const char *type_string = NULL;
    uint64_t heap_size = 0, region_size = 0;
    if (!vm_structs_static_address("Universe", "_collectedHeap", &address, &type_string) ||
        !vm_structs_type_size("CollectedHeap", &heap_size) || !vm_structs_type_size("MemRegion", &region_size) ||
        !field("CollectedHeap", "_reserved", heap_size, &vm_context.heap_reserved, NULL) ||
        !field("MemRegion", "_start", region_size, &vm_context.region_start, NULL) ||
        !field("MemRegion", "_word_size", region_size, &vm_context.region_words, NULL) ||
        vm_context.heap_reserved + region_size > heap_size) {
        return;
    }
    vm_context.heap_variable = address;
    vm_context.heap_ready = 1;
}

void vm_context_prepare(void *jvm_function) {
    vm_context.problem = vm_structs_open(jvm_function);
    if (vm_context.problem == NULL) vm_context.problem = prepare_flags();
    vm_context.flags_ready = vm_context.problem == NULL;
    if (vm_context.flags_ready) prepare_heap();
}
