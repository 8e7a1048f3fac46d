#include "thread_sections.h"

#include "hotspot_code.h"
#include "java_method_name.h"
#include "java_thread_state.h"
#include "java_thread_status.h"
#include "signal_names.h"
#include "sys.h"
#include "thread_registry.h"

/* ---- native frames, with a cache of .dynsym look-ups ---------------------------------------- */

#define SYMBOL_CACHE_SLOTS 16384 /* a power of two */

typedef struct {
    uintptr_t address;            /* the looked-up address */
    unsigned generation;          /* the capture that filled it; another capture's entry is empty */
    const module_info *module;    /* points into that capture's module table */
    const char *symbol;           /* points into the module's .dynstr, mapped when that capture ran */
    uintptr_t symbol_start;
} symbol_entry;

/* Only the capture owner writes frames, so one static cache (bss: resident only once used). Its entries
 * point into the module table of one capture: each capture rebuilds that table (a library loaded or
 * unloaded since moves every module after it), so an entry is only used by the capture that filled it.
 * Counting captures is cheaper than clearing 16384 entries each time. */
static symbol_entry symbol_cache[SYMBOL_CACHE_SLOTS];
static unsigned symbol_cache_generation = 1;

void symbol_cache_forget(void) {
    symbol_cache_generation++;
    if (symbol_cache_generation == 0) { /* wrapped around after 2^32 captures: old entries could match */
        for (size_t i = 0; i < SYMBOL_CACHE_SLOTS; i++) symbol_cache[i].generation = 0;
        symbol_cache_generation = 1;
    }
}

static const symbol_entry *symbol_for(const unwind_context *context, uintptr_t address) {
    symbol_entry *entry = &symbol_cache[(address >> 2) * 2654435761u & (SYMBOL_CACHE_SLOTS - 1)];
    if (entry->generation == symbol_cache_generation && entry->address == address) return entry;
    entry->address = address;
    entry->generation = symbol_cache_generation;
    entry->module = module_list_find(context->modules, context->module_count, address);
    entry->symbol = NULL;
    entry->symbol_start = 0;
    if (entry->module != NULL) {
        elf_symbol_for(context->map, entry->module, address, &entry->symbol, &entry->symbol_start);
    }
    return entry;
}

void write_native_frame(bundle_writer *w, const unwind_context *context, uintptr_t pc, int pc_exact, uintptr_t sp) {
    /* A return address points after the call: look up pc-1 so that a call at the very end of a
     * function is attributed to that function, not the next one. The record says which it was, so that
     * whoever names the frame later (from .symtab, debug lines) looks up the same address. */
    const symbol_entry *entry = symbol_for(context, pc_exact ? pc : pc - 1);
    bw_text(w, "frame\tnative\t");
    bw_hex(w, pc);
    bw_text(w, "\t");
    if (entry->module != NULL) {
        bw_value(w, entry->module->path);
        bw_text(w, "\t");
        bw_hex(w, pc - entry->module->base);
    } else {
        bw_text(w, "\t");
    }
    bw_text(w, "\t");
    if (entry->symbol != NULL) {
        bw_value(w, entry->symbol);
        bw_text(w, "\t");
        bw_hex(w, pc - entry->symbol_start);
    } else {
        bw_text(w, "\t");
    }
    bw_text(w, pc_exact ? "\t1\t" : "\t0\t");
    if (sp != 0) bw_hex(w, sp);
    bw_text(w, "\n");
}

/* HotSpot-generated code that is no Java method (the call stub, a runtime stub): a native frame of no module, named
 * as HotSpot names the code. */
static void write_stub_frame(bundle_writer *w, const stack_frame *frame) {
    bw_text(w, "frame\tnative\t");
    bw_hex(w, frame->pc);
    bw_text(w, "\t\t\t");
    if (frame->name != NULL) bw_value(w, frame->name);
    bw_text(w, "\t\t0\t");
    if (frame->sp != 0) bw_hex(w, frame->sp);
    bw_text(w, "\n");
}

/* ---- Java frames -------------------------------------------------------------------------- */

static size_t java_home(const java_names *names, java_frame frame) {
    uintptr_t key = (uintptr_t)frame.method * 31 + (uintptr_t)(unsigned)frame.bci;
    return (key >> 3) * 2654435761u & (names->capacity - 1);
}

static resolved_frame *java_slot(const java_names *names, java_frame frame, int insert) {
    size_t index = java_home(names, frame);
    for (size_t probe = 0; probe < names->capacity; probe++, index = (index + 1) & (names->capacity - 1)) {
        resolved_frame *item = &names->items[index];
        if (item->frame.method == frame.method && item->frame.bci == frame.bci && item->frame.method != NULL) return item;
        if (item->frame.method == NULL) {
            if (!insert) return NULL;
            item->frame = frame;
            return item;
        }
    }
    return NULL;
}

/* The table's key of a Java frame: its jmethodID when AsyncGetCallTrace gave one, else its Method* with the low bit
 * set (both are at least 8-byte aligned pointers, so the two kinds of key never meet). A frame keyed by its Method*
 * can only be named here: the resolver needs a jmethodID. */
static java_frame key_of(const stack_frame *frame) {
    if (frame->id != NULL) return (java_frame){ frame->id, frame->bci };
    if (frame->method != 0) return (java_frame){ (jmethodID)(frame->method | 1), frame->bci };
    return (java_frame){ NULL, frame->bci };
}

/* Names one Java frame from HotSpot's structures into out; 1 when it could. The method a jmethodID stands for is
 * checked against its class's jmethodID table; the walk's Method* (an interpreted frame's, an nmethod's) is checked
 * only by the plausibility of what it points to, which java_method_name_read does. */
static int name_here(const memory_map *map, const stack_frame *frame, java_method_name *out) {
    uintptr_t method = frame->id != NULL ? java_method_from_id(map, frame->id) : 0;
    if (method == 0) method = frame->method;
    return method != 0 && java_method_name_read(map, method, frame->bci, out);
}

static void add_java_frames(java_names *names, const stack_frame *frames, int count) {
    java_method_name scratch;
    for (int i = 0; i < count; i++) {
        if (frames[i].type != FRAME_JAVA) continue;
        java_frame key = key_of(&frames[i]);
        if (key.method == NULL) continue;
        resolved_frame *item = java_slot(names, key, 0);
        if (item == NULL && names->count + names->named_here < (int)names->capacity / 2) {
            item = java_slot(names, key, 1);
            if (item == NULL) continue;
            if (name_here(names->map, &frames[i], &scratch)) {
                item->named_here = 1;
                names->named_here++;
            } else if (frames[i].id != NULL) {
                names->list[names->count++] = item;
            }
        }
    }
}

int java_names_build(java_names *names, const memory_map *map, const thread_stack_set *threads,
                     const stack_frame *extra, int extra_count) {
    size_t frames = (size_t)extra_count;
    for (int i = 0; i < threads->count; i++) frames += (size_t)threads->items[i].frame_count;
    size_t capacity = 64;
    while (capacity < frames * 2) capacity *= 2;
    /* mmap, not a static table: its size depends on the thread count (see thread_stack.c). */
    names->items = sys_mmap_anonymous(capacity * sizeof(resolved_frame), 0);
    names->list = sys_mmap_anonymous(capacity * sizeof(resolved_frame *), 0);
    if (names->items == NULL || names->list == NULL) {
        if (names->items != NULL) sys_munmap(names->items, capacity * sizeof(resolved_frame));
        if (names->list != NULL) sys_munmap(names->list, capacity * sizeof(resolved_frame *));
        names->items = NULL;
        names->list = NULL;
        names->count = 0;
        return -1;
    }
    names->capacity = capacity;
    names->count = 0;
    names->named_here = 0;
    names->map = map;
    add_java_frames(names, extra, extra_count);
    for (int i = 0; i < threads->count; i++) {
        const thread_stack *stack = &threads->items[i];
        if (atomic_load(&stack->state) == STACK_DONE) add_java_frames(names, stack->frames, stack->frame_count);
    }
    return 0;
}

void java_names_release(java_names *names) {
    if (names->items != NULL) sys_munmap(names->items, names->capacity * sizeof(resolved_frame));
    if (names->list != NULL) sys_munmap(names->list, names->capacity * sizeof(resolved_frame *));
    names->items = NULL;
    names->list = NULL;
    names->count = 0;
    names->named_here = 0;
}

static const char *java_kind_word(int kind) {
    switch (kind) {
    case JAVA_KIND_INTERPRETED: return "interpreted";
    case JAVA_KIND_C1: return "c1";
    case JAVA_KIND_C2: return "c2";
    case JAVA_KIND_COMPILED: return "compiled";
    case JAVA_KIND_INLINED: return "inlined";
    case JAVA_KIND_NATIVE: return "native";
    default: return "";
    }
}

/* frame java <class> <method> <line> <source file> <kind> <bci> <sp> <Method*> (docs/capture-format.md). */
void write_java_frame(bundle_writer *w, const java_names *names, const stack_frame *frame) {
    java_frame key = key_of(frame);
    const resolved_frame *item = names != NULL && names->items != NULL && key.method != NULL
                                     ? java_slot(names, key, 0) : NULL;
    /* Read again now rather than kept since java_names_build: no name storage per method. A read that fails now (a
     * class unloaded since, in a live dump) leaves the frame unnamed, as the resolver was not asked for it. */
    java_method_name read;
    int here = item != NULL && item->named_here && name_here(names->map, frame, &read);
    int ready = !here && item != NULL && atomic_load(&item->ready);
    bw_text(w, "frame\tjava\t");
    bw_value(w, here ? read.class_name : ready ? item->class_name : "?");
    bw_text(w, "\t");
    if (here) {
        bw_value(w, read.method_name);
    } else if (ready) {
        bw_value(w, item->method_name);
    } else if (frame->id != NULL) {
        bw_text(w, "jmethodID:"); /* unresolved: at least distinct methods stay distinct */
        bw_hex(w, (uintptr_t)frame->id);
    } else {
        bw_text(w, "Method*:"); /* found by the walk alone and not readable here */
        bw_hex(w, frame->method);
    }
    bw_text(w, "\t");
    int line = here ? read.line : ready ? item->line : -1;
    if (frame->bci == JAVA_FRAME_NATIVE_METHOD) bw_text(w, "native");
    else if (line >= 0) bw_dec(w, line);
    bw_text(w, "\t");
    if (here && read.source_file[0] != '\0') bw_value(w, read.source_file);
    else if (ready && item->source_file != NULL) bw_value(w, item->source_file);
    bw_text(w, "\t");
    bw_text(w, java_kind_word(frame->java_kind));
    bw_text(w, "\t");
    if (frame->bci >= 0) bw_dec(w, frame->bci);
    bw_text(w, "\t");
    if (frame->sp != 0) bw_hex(w, frame->sp);
    bw_text(w, "\t");
    if (frame->method != 0) bw_hex(w, frame->method);
    bw_text(w, "\n");
}

void write_frame(bundle_writer *w, const unwind_context *context, const java_names *names, const stack_frame *frame) {
    if (frame->type == FRAME_JAVA) write_java_frame(w, names, frame);
    else if (frame->type == FRAME_STUB) write_stub_frame(w, frame);
    else write_native_frame(w, context, frame->pc, frame->exact, frame->sp);
}

/* ---- thread sections ---------------------------------------------------------------------- */

void write_java_state(bundle_writer *w, java_state_read read, const resolved_thread *resolved) {
    const char *state = java_thread_status_name(read.status);
    const char *source = "handler";
    /* The resolver (JVMTI) only where the handler could not read it: it answers after the threads were collected,
     * if in time at all. Never for a carrier that carries (or may carry) a virtual thread: JVMTI calls every such
     * carrier WAITING, where jstack and ThreadMXBean give the carrier's own status (docs/threads.md). */
    if (state == NULL && !read.carrying && resolved != NULL && atomic_load(&resolved->ready)) {
        state = resolved->state;
        source = "resolver";
    }
    if (state == NULL) return;
    bw_field_text(w, "state", state);
    bw_field_text(w, "state.source", source);
}

void write_thread_identity(bundle_writer *w, int tid, int crashed, java_state_read read, const resolved_thread *resolved) {
    char name[THREAD_NAME_MAX];
    int is_java = thread_registry_java_name(tid, name, sizeof name);
    int ready = resolved != NULL && atomic_load(&resolved->ready);
    const char *shown = name;
    if (ready && resolved->java_name != NULL) { /* its whole name now: a thread may have been renamed */
        shown = resolved->java_name;
        is_java = 1;
    }
    if (!is_java) thread_comm_name(tid, name, sizeof name);
    bw_section(w, "thread");
    bw_field_dec(w, "tid", tid);
    bw_field_text(w, "name", shown);
    bw_field_dec(w, "java", is_java);
    if (is_java && thread_registry_daemon(tid) >= 0) bw_field_dec(w, "daemon", thread_registry_daemon(tid));
    bw_field_dec(w, "crashed", crashed);
    write_java_state(w, read, resolved);
    char kernel_state[2] = { thread_kernel_state(tid), '\0' };
    bw_field_text(w, "kstate", kernel_state);
}

void write_virtual_thread(bundle_writer *w, int mounted, const java_thread_object *vthread) {
    if (mounted > 0) {
        bw_field_dec(w, "virtualThread.id", vthread->id);
        bw_field_text(w, "virtualThread.name", vthread->name);
    } else if (mounted < 0) {
        bw_field_text(w, "virtualThread.unreadable", "the heap reference to it could not be followed safely");
    }
}

void write_hotspot_state(bundle_writer *w, int state) {
    if (state < 0) return;
    const char *name = java_thread_state_name(state);
    if (name != NULL) bw_field_text(w, "hotspotState", name);
    else bw_field_dec(w, "hotspotState", state);
}

void write_thread_identity_source(bundle_writer *w) {
    const char *problem = java_thread_layout_problem();
    bw_field_text(w, "hotspot.threads", problem == NULL ? "ok" : problem);
    problem = java_method_layout_problem();
    bw_field_text(w, "hotspot.methods", problem == NULL ? "ok" : problem);
    bw_field_text(w, "hotspot.virtualThreads", virtual_thread_layout_status());
    bw_field_text(w, "hotspot.threadStates", java_thread_status_layout_status());
}

void write_hotspot_frames_source(bundle_writer *w) {
    const char *problem = hotspot_code_problem();
    bw_field_text(w, "hotspot.frames", problem == NULL ? "ok" : problem);
}

static void write_crash_signal(bundle_writer *w, const thread_stack *stack) {
    bw_field_dec(w, "signal.number", stack->signal);
    bw_field_text(w, "signal.name", signal_name(stack->signal));
    bw_field_dec(w, "signal.code", stack->signal_code);
    bw_field_text(w, "signal.codeName", signal_code_name(stack->signal, stack->signal_code));
    if (signal_has_fault_address(stack->signal, stack->signal_code)) {
        bw_field_hex(w, "signal.address", stack->signal_address);
    }
}

static int same_stack(const memory_map *map, const map_entry *a, const map_entry *b) {
    return a->end == b->start && a->perms == b->perms && a->path == b->path;
}

/* The thread's stack: the readable mapping holding sp, and below it mappings of the same kind (HotSpot
 * unprotects its guard zones as a stack overflows, which splits one stack into several mappings). Never
 * joined upwards: a stack ends where its mapping ends, and the mapping above may be anything anonymous.
 * A thread that overflowed has sp in the guard page below its stack: then the mapping above sp is used. */
void write_stack(bundle_writer *w, const memory_map *map, int tid, uintptr_t sp) {
    uintptr_t low = 0, high = 0;
    /* Best: the bounds pthread gave when the thread started (Java threads, via JVMTI ThreadStart). */
    thread_slot *slot = thread_registry_find(tid);
    if (slot != NULL && slot->stack_high != 0 && sp >= slot->stack_low - 65536 && sp < slot->stack_high) {
        low = slot->stack_low;
        high = slot->stack_high;
    } else {
        const map_entry *entry = memory_map_find(map, sp);
        if (entry == NULL || !(entry->perms & MAP_PERM_R)) entry = memory_map_find(map, entry ? entry->end : sp + 4096);
        if (entry != NULL && (entry->perms & MAP_PERM_R)) {
            const map_entry *lowest = entry;
            while (lowest > map->entries && same_stack(map, lowest - 1, lowest)) lowest--;
            low = lowest->start;
            high = entry->end;
        }
    }
    if (high != 0) {
        bw_text(w, "stack\t");
        bw_hex(w, low);
        bw_text(w, "\t");
        bw_hex(w, high);
        bw_text(w, "\n");
    }
    bw_field_hex(w, "stack.sp", sp);
}

void write_thread_section(bundle_writer *w, const unwind_context *context, const thread_stack *stack,
                          const java_names *names, const resolved_thread *resolved) {
    int done = atomic_load(&stack->state) == STACK_DONE;
    int crashed = done && stack->crashed;
    java_state_read read = { done ? stack->thread_status : -1, done && stack->vthread_mounted != 0 };
    write_thread_identity(w, stack->tid, crashed, read, resolved);
    if (crashed) write_crash_signal(w, stack);
    if (atomic_load(&stack->state) == STACK_EXITED) {
        bw_field_text(w, "missing", "exited during the capture");
        return;
    }
    if (!done) {
        bw_field_text(w, "missing", "no answer within the deadline (signals blocked, or stuck in the kernel)");
        return;
    }
    write_hotspot_state(w, stack->hotspot_state);
    write_virtual_thread(w, stack->vthread_mounted, &stack->vthread);
    write_stack(w, context->map, stack->tid, stack->sp);
    for (int i = 0; i < stack->frame_count; i++) write_frame(w, context, names, &stack->frames[i]);
    if (stack->java_status < 0 && stack->java_status != JAVA_FRAMES_NOT_JAVA &&
        stack->java_status != JAVA_FRAMES_IN_VM_CODE) {
        bw_field_dec(w, "java.error", stack->java_status);
    }
    if (stack->java_unplaced > 0) bw_field_dec(w, "java.unplaced", stack->java_unplaced);
    bw_field_text(w, "unwind.stop", stack->native_stop);
}
