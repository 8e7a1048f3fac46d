#include "capture.h"

#include <dlfcn.h>

#include "capture_prepared.h"
#include "cxx_runtime.h"
#include "fd_reserve.h"
#include "stack_memory_prepare.h"
#include "sys.h"
#include "text.h"

/* Untouched until a crash: address space, not resident memory. */
static void *reserve(size_t bytes) {
    return sys_mmap_anonymous(bytes, MAP_NORESERVE);
}

const char *capture_prepare(const char *bundle_folder, const char *header, size_t header_len,
                            int64_t process_start_epoch_ms) {
    if (copy_text(prepared.folder, sizeof prepared.folder, bundle_folder) + 1 >= sizeof prepared.folder) {
        return "bundle folder path too long";
    }
    char *header_copy = reserve(header_len + 1);
    prepared.map.entries = reserve(MAP_ENTRIES * sizeof(map_entry));
    prepared.map.paths = reserve(MAP_PATH_BYTES);
    prepared.modules = reserve(MODULES_MAX * sizeof(module_info));
    prepared.maps_line = reserve(MAPS_LINE_BYTES);
    if (!header_copy || !prepared.map.entries || !prepared.map.paths || !prepared.modules || !prepared.maps_line) {
        return "cannot reserve memory for crash capture";
    }
    for (size_t i = 0; i < header_len; i++) header_copy[i] = header[i];
    prepared.header = header_copy;
    prepared.header_len = header_len;
    prepared.start_epoch_ms = process_start_epoch_ms;
    prepared.armed_pid = (int)sys_getpid();
    prepared.map.capacity = MAP_ENTRIES;
    prepared.map.paths_capacity = MAP_PATH_BYTES;
    /* dlsym is not async-signal-safe, so the address is looked up here, once. */
    prepared.abort_msg = (struct glibc_abort_msg **)dlsym(RTLD_DEFAULT, "__abort_msg");
    cxx_runtime_resolve(); /* if a C++ library came first; else after the load that brings libstdc++ */
    stack_memory_prepare(); /* where stack copies must stop: before any capture can run */
    fd_reserve_take(); /* descriptors for a capture in a process that used up its own (handler/fd_reserve.h) */
    return NULL;
}
