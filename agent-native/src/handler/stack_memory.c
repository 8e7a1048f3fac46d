#include "stack_memory.h"

#include <string.h>

#include "sys.h"

/* Set once at arming, before any handler can run; read in handlers. */
static size_t each_thread_bytes = STACK_MEMORY_DEFAULT_BYTES;
static size_t crashing_thread_bytes = STACK_MEMORY_DEFAULT_BYTES * STACK_MEMORY_CRASHING_FACTOR;
/* Not known (0): nothing is copied from the main thread's stack rather than its environment strings. Set at
 * arming; a handler before that has no capture to run. */
static uintptr_t process_block_start;

void stack_memory_configure(size_t each_thread, size_t crashing_thread) {
    each_thread_bytes = each_thread;
    crashing_thread_bytes = crashing_thread;
}

void stack_memory_set_process_block(uintptr_t process_block) {
    process_block_start = process_block;
}

size_t stack_memory_each_thread(void) {
    return each_thread_bytes;
}

size_t stack_memory_crashing_thread(void) {
    return crashing_thread_bytes;
}

static stack_memory *slot_at(stack_memory *first, size_t stride, int index) {
    return (stack_memory *)((char *)first + (size_t)index * stride);
}

void stack_memory_assign(stack_memory *first, size_t stride, int count) {
    size_t each = each_thread_bytes;
    /* One mapping for all (see thread_stack.c on mmap in a handler). Only the pages a thread copies into
     * become resident: most threads use far less than `each` of their stack. */
    uint8_t *room = each > 0 && count > 0 ? sys_mmap_anonymous((size_t)count * each, 0) : NULL;
    for (int i = 0; i < count; i++) {
        stack_memory *memory = slot_at(first, stride, i);
        memory->saved = 0;
        memory->length = 0;
        memory->bytes = room != NULL ? room + (size_t)i * each : NULL;
        memory->capacity = room != NULL ? each : 0;
    }
}

void stack_memory_unmap(stack_memory *first, size_t stride, int count) {
    if (count <= 0 || first->bytes == NULL) return;
    sys_munmap(first->bytes, (size_t)count * first->capacity);
    for (int i = 0; i < count; i++) slot_at(first, stride, i)->bytes = NULL;
}

/* The readable range [*low, *high) of the stack that holds sp. A thread that overflowed its stack has sp in
 * the guard page below it: then the mapping just above is its stack. */
static int stack_range(const memory_map *map, uintptr_t sp, uintptr_t *low, uintptr_t *high) {
    const map_entry *entry = memory_map_find(map, sp);
    if (entry == NULL || !(entry->perms & MAP_PERM_R) || entry->read_hazard) {
        entry = memory_map_find(map, entry != NULL ? entry->end : sp + 4096);
        if (entry == NULL || entry->start > sp + 65536) return 0;
    }
    if (!(entry->perms & MAP_PERM_R) || entry->read_hazard) return 0;
    *low = entry->start;
    *high = entry->end;
    return 1;
}

void stack_memory_take(stack_memory *memory, const memory_map *map, const void *ucontext, sigjmp_buf guard,
                       volatile sig_atomic_t *guard_active) {
    memory->fp_bytes = (uint32_t)arch_context_save(ucontext, memory->regs, memory->fp);
    memory->saved = 1;
    memory->length = 0;
    memory->start = 0;
    if (memory->bytes == NULL || memory->capacity == 0 || map == NULL) return;
    unwind_regs regs;
    arch_regs_from_ucontext(ucontext, &regs);
    uintptr_t low, high;
    if (!stack_range(map, regs.sp, &low, &high)) return;
    /* From below the red zone: a leaf function keeps its locals there without moving sp. */
    uintptr_t start = regs.sp >= low + ARCH_RED_ZONE ? regs.sp - ARCH_RED_ZONE : low;
    if (start < low) start = low;
    /* The main thread's stack ends in the kernel's block of argv, environment and AT_RANDOM: never copied. Where
     * that block is not known, the main thread (always the one copying itself) copies nothing. */
    if (process_block_start == 0 && current_tid() == (int)sys_getpid()) return;
    if (process_block_start != 0 && process_block_start > low && process_block_start < high) high = process_block_start;
    if (start >= high) return;
    size_t length = high - start < memory->capacity ? high - start : memory->capacity;
    if (guard != NULL) {
        if (sigsetjmp(guard, 1) != 0) { /* the mapping went away under us: keep no bytes */
            memory->length = 0;
            return;
        }
        *guard_active = 1;
    }
    memcpy(memory->bytes, (const void *)start, length);
    if (guard != NULL) *guard_active = 0;
    memory->start = start;
    memory->length = length;
}
