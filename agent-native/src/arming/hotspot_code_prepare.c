/* Reads HotSpot's code cache layout (handler/hotspot_code.h) from gHotSpotVMStructs at arming time and checks it:
 * every field present with the size its type has, the code heaps inside the code cache, and the blobs of two
 * addresses known to lie in the code cache (the call stub's return address, the interpreter) found through the
 * segment maps the way the handler will find them. Any doubt leaves the layout unused, with the reason. */
#include "hotspot_code_prepare.h"

#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hotspot_code.h"
#include "vm_structs.h"

/* Reads JVM memory without faulting where it is not mapped. */
static int read_memory(void *out, uintptr_t address, size_t size) {
    struct iovec local = { out, size };
    struct iovec remote = { (void *)address, size };
    return address != 0 && process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == (ssize_t)size;
}

/* The size of a field's C type: pointers 8, else what gHotSpotVMTypes says. */
static int type_bytes(const char *type_string, uint64_t *size) {
    if (type_string == NULL) return 0;
    if (strchr(type_string, '*') != NULL) {
        *size = sizeof(void *);
        return 1;
    }
    return vm_structs_type_size(type_string, size);
}

/* type::field, non-static, inside an object of object_size bytes; its size in *bytes (may be NULL: then a field of
 * any size, such as an embedded VirtualSpace; else a scalar of at most 8 bytes). */
static int field(const char *type, const char *name, uint64_t object_size, uint64_t *offset, int *bytes) {
    const char *type_string = NULL;
    uint64_t size = 0;
    if (!vm_structs_field(type, name, offset, &type_string) || !type_bytes(type_string, &size)) return 0;
    if (size == 0 || (bytes != NULL && size > 8) || *offset + size > object_size) return 0;
    if (bytes != NULL) *bytes = (int)size;
    return 1;
}

/* The value of a static pointer-sized field. */
static int static_word(const char *type, const char *name, uintptr_t *value) {
    void *address = NULL;
    const char *type_string = NULL;
    uint64_t size = 0;
    if (!vm_structs_static_address(type, name, &address, &type_string) || !type_bytes(type_string, &size) ||
        size != sizeof(uintptr_t)) {
        return 0;
    }
    return read_memory(value, (uintptr_t)address, sizeof *value);
}

static const char *read_heaps(hotspot_code_layout *layout) {
    uint64_t heap_size, space_size, memory, segmap, log2, low_boundary, high_boundary, length, data = 8;
    int log2_bytes, length_bytes;
    uintptr_t heaps = 0;
    if (!static_word("CodeCache", "_low_bound", &layout->low_bound) ||
        !static_word("CodeCache", "_high_bound", &layout->high_bound) || !static_word("CodeCache", "_heaps", &heaps) ||
        layout->low_bound == 0 || layout->high_bound <= layout->low_bound) {
        return "CodeCache bounds not found";
    }
    if (!vm_structs_type_size("CodeHeap", &heap_size) || !vm_structs_type_size("VirtualSpace", &space_size) ||
        !field("CodeHeap", "_memory", heap_size, &memory, NULL) || !field("CodeHeap", "_segmap", heap_size, &segmap, NULL) ||
        !field("CodeHeap", "_log2_segment_size", heap_size, &log2, &log2_bytes) || log2_bytes != 4 ||
        !field("VirtualSpace", "_low_boundary", space_size, &low_boundary, NULL) ||
        !field("VirtualSpace", "_high_boundary", space_size, &high_boundary, NULL) ||
        !field("GrowableArrayBase", "_len", 8, &length, &length_bytes) || length_bytes != 4) {
        return "CodeHeap layout not found";
    }
    /* GrowableArray's element pointer follows its _len and _max (JDK 17 names it; JDK 25 does not): the heaps'
     * bounds checked below tell a wrong guess. */
    const char *type_string;
    uint64_t named_data;
    if (vm_structs_field("GrowableArray<int>", "_data", &named_data, &type_string)) data = named_data;
    int32_t count = 0;
    uintptr_t array = 0;
    if (!read_memory(&count, heaps + length, sizeof count) || count <= 0 || count > HOTSPOT_CODE_HEAPS ||
        !read_memory(&array, heaps + data, sizeof array)) {
        return "CodeCache::_heaps unreadable";
    }
    for (int i = 0; i < count; i++) {
        uintptr_t heap = 0;
        int32_t shift = 0;
        if (!read_memory(&heap, array + (uintptr_t)i * sizeof(uintptr_t), sizeof heap) ||
            !read_memory(&layout->heaps[i].low, heap + memory + low_boundary, sizeof(uintptr_t)) ||
            !read_memory(&layout->heaps[i].high, heap + memory + high_boundary, sizeof(uintptr_t)) ||
            !read_memory(&layout->heaps[i].segmap, heap + segmap + low_boundary, sizeof(uintptr_t)) ||
            !read_memory(&shift, heap + log2, sizeof shift)) {
            return "a CodeHeap is unreadable";
        }
        if (shift < 4 || shift > 16 || layout->heaps[i].low < layout->low_bound ||
            layout->heaps[i].high > layout->high_bound || layout->heaps[i].high <= layout->heaps[i].low ||
            layout->heaps[i].segmap == 0) {
            return "a CodeHeap lies outside the code cache";
        }
        layout->heaps[i].log2_segment = (unsigned)shift;
    }
    layout->heap_count = count;
    if (!vm_structs_type_size("HeapBlock", &layout->heap_block_size) ||
        (layout->heap_block_size != 8 && layout->heap_block_size != 16)) {
        return "HeapBlock size unexpected";
    }
    return NULL;
}

static const char *read_blobs(hotspot_code_layout *layout) {
    uint64_t blob_size, nmethod_size, unused;
    int bytes, end_bytes;
    if (!vm_structs_type_size("CodeBlob", &blob_size) || !vm_structs_type_size("nmethod", &nmethod_size) ||
        !field("CodeBlob", "_name", blob_size, &layout->blob_name, &bytes) || bytes != 8 ||
        !field("CodeBlob", "_frame_size", blob_size, &layout->blob_frame_size, &bytes) || bytes != 4 ||
        !field("CodeBlob", "_frame_complete_offset", blob_size, &layout->blob_frame_complete, &layout->frame_complete_bytes) ||
        (layout->frame_complete_bytes != 4 && layout->frame_complete_bytes != 2)) {
        return "CodeBlob layout not found";
    }
    if (field("CodeBlob", "_code_begin", blob_size, &layout->blob_code_begin, &bytes) && bytes == 8 &&
        field("CodeBlob", "_code_end", blob_size, &layout->blob_code_end, &end_bytes) && end_bytes == 8) {
        layout->code_is_offset = 0;
    } else if (field("CodeBlob", "_code_offset", blob_size, &layout->blob_code_begin, &bytes) && bytes == 4 &&
               field("CodeBlob", "_data_offset", blob_size, &layout->blob_code_end, &end_bytes) && end_bytes == 4) {
        layout->code_is_offset = 1;
    } else {
        return "CodeBlob code bounds not found";
    }
    int32_t nmethod_kind;
    if (field("CodeBlob", "_kind", blob_size, &layout->blob_kind, &bytes)) {
        if (bytes != 1 || !vm_structs_int_constant("CodeBlobKind::Nmethod", &nmethod_kind)) return "CodeBlobKind not found";
        layout->has_kind = 1;
        layout->kind_nmethod = nmethod_kind;
    } else if (layout->code_is_offset) {
        return "CodeBlob without _kind"; /* a layout between JDK 17's and 23's: not known */
    }
    if (!field("nmethod", "_method", nmethod_size, &layout->nmethod_method, &bytes) &&
        !field("CompiledMethod", "_method", nmethod_size, &layout->nmethod_method, &bytes)) {
        return "nmethod::_method not found";
    }
    if (bytes != 8 || !field("nmethod", "_comp_level", nmethod_size, &layout->nmethod_comp_level, &layout->comp_level_bytes) ||
        (layout->comp_level_bytes != 4 && layout->comp_level_bytes != 1)) {
        return "nmethod layout not found";
    }
    uint64_t method_size, const_method_size;
    if (!vm_structs_type_size("Method", &method_size) || !vm_structs_type_size("ConstMethod", &const_method_size) ||
        !field("Method", "_constMethod", method_size, &layout->method_const_method, &bytes) || bytes != 8 ||
        !field("Method", "_access_flags", method_size, &layout->method_access_flags, &layout->access_flags_bytes) ||
        (layout->access_flags_bytes != 4 && layout->access_flags_bytes != 2) ||
        !field("ConstMethod", "_code_size", const_method_size, &layout->const_method_code_size, &bytes) || bytes != 2) {
        return "Method layout not found";
    }
    layout->const_method_size = const_method_size;
    (void)unused;
    return NULL;
}

static const char *read_entry_points(hotspot_code_layout *layout) {
    uintptr_t queue = 0, buffer = 0;
    uint64_t queue_size, stub_buffer, limit;
    int bytes, limit_bytes;
    int32_t buffer_limit = 0;
    if (!static_word("StubRoutines", "_call_stub_return_address", &layout->call_stub_return) ||
        layout->call_stub_return < layout->low_bound || layout->call_stub_return >= layout->high_bound) {
        return "StubRoutines::_call_stub_return_address not in the code cache";
    }
    if (!static_word("AbstractInterpreter", "_code", &queue) || !vm_structs_type_size("StubQueue", &queue_size) ||
        !field("StubQueue", "_stub_buffer", queue_size, &stub_buffer, &bytes) || bytes != 8 ||
        !field("StubQueue", "_buffer_limit", queue_size, &limit, &limit_bytes) || limit_bytes != 4 ||
        !read_memory(&buffer, queue + stub_buffer, sizeof buffer) ||
        !read_memory(&buffer_limit, queue + limit, sizeof buffer_limit) || buffer_limit <= 0) {
        return "the interpreter's code not found";
    }
    layout->interpreter_low = buffer;
    layout->interpreter_high = buffer + (uintptr_t)buffer_limit;
    if (layout->interpreter_low < layout->low_bound || layout->interpreter_high > layout->high_bound) {
        return "the interpreter lies outside the code cache";
    }
    return NULL;
}

/* Finds the blobs of the call stub and of the interpreter as the handler would: the segment maps and blob fields
 * must lead back to blobs that hold them. */
static const char *check_lookups(const memory_map *map) {
    hotspot_blob stub, interpreter;
    if (map == NULL || map->count == 0) return "cannot read the memory map";
    if (!hotspot_blob_find(map, hotspot_code.call_stub_return, &stub) || stub.kind != BLOB_OTHER) {
        return "the call stub's blob not found through the segment map";
    }
    if (!hotspot_blob_find(map, hotspot_code.interpreter_low, &interpreter) || interpreter.kind != BLOB_INTERPRETER) {
        return "the interpreter's blob not found through the segment map";
    }
    return NULL;
}

void hotspot_code_prepare(void *jvm_function, const memory_map *map) {
    hotspot_code_layout layout = { 0 };
    const char *problem = vm_structs_open(jvm_function);
    if (problem == NULL) problem = read_heaps(&layout);
    if (problem == NULL) problem = read_blobs(&layout);
    if (problem == NULL) problem = read_entry_points(&layout);
#if !defined(__x86_64__)
    if (problem == NULL) problem = "walking Java frames is implemented for x86_64 only";
#endif
    if (problem != NULL) {
        hotspot_code.problem = problem;
        return;
    }
    layout.ready = 1;
    hotspot_code = layout;
    problem = check_lookups(map);
    if (problem != NULL) {
        hotspot_code.ready = 0;
        hotspot_code.problem = problem;
    }
}
