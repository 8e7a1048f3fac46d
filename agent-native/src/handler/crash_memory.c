#include "crash_memory.h"

#include "arch.h"
#include "sys.h"
#include "thread_registry.h"

/* Bytes are dropped from the far end in steps of 16 until the rest is readable (the end of a mapping). */
#define STEP 16

/* memory TAB <what> TAB 0x<anchor> TAB 0x<first byte's address> TAB <hex bytes> */
static void write_bytes(bundle_writer *w, const char *what, uintptr_t anchor, uintptr_t start, size_t len) {
    bw_text(w, "memory\t");
    bw_text(w, what);
    bw_text(w, "\t");
    bw_hex(w, anchor);
    bw_text(w, "\t");
    bw_hex(w, start);
    bw_text(w, "\t");
    bw_hex_bytes(w, (const uint8_t *)start, len);
    bw_text(w, "\n");
}

static size_t readable_after(const memory_map *map, uintptr_t address, size_t wanted) {
    size_t len = wanted;
    while (len > 0 && !memory_map_readable(map, address, len)) len = len > STEP ? len - STEP : 0;
    return len;
}

static size_t readable_before(const memory_map *map, uintptr_t address, size_t wanted) {
    size_t len = wanted;
    while (len > 0 && (address < len || !memory_map_readable(map, address - len, len))) len = len > STEP ? len - STEP : 0;
    return len;
}

/* mapping TAB <register> TAB 0x<start> TAB 0x<end> TAB <rwx> TAB <path or [heap], [stack], empty> */
static void write_mapping(bundle_writer *w, const memory_map *map, const char *name, uintptr_t value) {
    const map_entry *entry = memory_map_find(map, value);
    if (entry == NULL) return;
    char perms[4] = { entry->perms & MAP_PERM_R ? 'r' : '-', entry->perms & MAP_PERM_W ? 'w' : '-',
                      entry->perms & MAP_PERM_X ? 'x' : '-', '\0' };
    bw_text(w, "mapping\t");
    bw_value(w, name);
    bw_text(w, "\t");
    bw_hex(w, entry->start);
    bw_text(w, "\t");
    bw_hex(w, entry->end);
    bw_text(w, "\t");
    bw_text(w, perms);
    bw_text(w, "\t");
    bw_value(w, memory_map_path(map, entry));
    bw_text(w, "\n");
}

/* thread TAB <register> TAB <tid>: the register holds the JavaThread* of that thread (hs_err's "is a thread").
 * One pass over the registry, each claimed slot compared with every register. */
typedef struct {
    bundle_writer *w;
    const void *ucontext;
} thread_match;

static void match_java_thread(thread_slot *slot, void *arg) {
    thread_match *match = arg;
    uintptr_t java_thread = atomic_load(&slot->vm_thread);
    if (java_thread == 0) return;
    for (size_t i = 0; i < arch_register_count(); i++) {
        if (arch_register_value(match->ucontext, i) != java_thread) continue;
        bw_text(match->w, "thread\t");
        bw_value(match->w, arch_register_name(i));
        bw_text(match->w, "\t");
        bw_dec(match->w, atomic_load(&slot->tid));
        bw_text(match->w, "\n");
    }
}

void crash_memory_write(bundle_writer *w, const memory_map *map, const void *ucontext) {
    unwind_regs regs;
    arch_regs_from_ucontext(ucontext, &regs);
    bw_section(w, "crash-memory");
    size_t stack = readable_after(map, regs.sp, CRASH_MEMORY_STACK_BYTES);
    if (stack > 0) write_bytes(w, "stack", regs.sp, regs.sp, stack);
    bw_flush(w);
    size_t before = readable_before(map, regs.pc, CRASH_MEMORY_PC_BEFORE);
    size_t after = readable_after(map, regs.pc, CRASH_MEMORY_PC_AFTER);
    if (before + after > 0) write_bytes(w, "pc", regs.pc, regs.pc - before, before + after);
    bw_flush(w);
    for (size_t i = 0; i < arch_register_count(); i++) {
        write_mapping(w, map, arch_register_name(i), arch_register_value(ucontext, i));
    }
    thread_match match = { w, ucontext };
    thread_registry_each(match_java_thread, &match);
    bw_flush(w);
}
