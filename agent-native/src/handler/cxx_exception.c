#include "cxx_exception.h"

#include <stdatomic.h>
#include <stdint.h>

#include "unwind.h"

/* How far up the crashing stack the C++ runtime's terminate path is looked for (abort, raise and
 * libc's frames come first; std::terminate and its handler follow). */
#define TERMINATE_SEARCH_FRAMES 32
#define WHAT_MAX 1024

/* The Itanium C++ ABI's exception header as libstdc++ lays it out on LP64 (unwind-cxx.h): the thrown
 * object follows it. Only read, and only after two checks that the layout is the one seen here. */
struct cxa_exception {
    const void *exception_type;
    void (*exception_destructor)(void *);
    void (*unexpected_handler)(void);
    void (*terminate_handler)(void);
    struct cxa_exception *next_exception;
    int handler_count;
    int handler_switch_value;
    const unsigned char *action_record;
    const unsigned char *language_specific_data;
    void *catch_temp;
    void *adjusted_ptr;
    struct {
        uint64_t exception_class;
        void (*exception_cleanup)(int, void *);
        uintptr_t private_1;
        uintptr_t private_2;
    } __attribute__((__aligned__)) unwind_header;
};

/* "GNUCC++\0": a primary exception thrown by libstdc++ (a dependent one, from rethrow_exception, ends in 1). */
#define GXX_PRIMARY_CLASS 0x474e5543432b2b00ULL

static cxx_runtime runtime;
static atomic_int runtime_ready;

void cxx_runtime_publish(const cxx_runtime *found) {
    if (atomic_load(&runtime_ready)) return;
    runtime = *found;
    atomic_store(&runtime_ready, 1);
}

/* Whether one of the thread's innermost frames runs in the C++ runtime's code (std::terminate and its
 * handler), the mapping that also holds __cxa_current_exception_type. */
static int in_terminate_path(const unwind_context *context, const void *ucontext, const map_entry *runtime_code) {
    unwind_regs regs;
    arch_regs_from_ucontext(ucontext, &regs);
    for (int depth = 0; depth < TERMINATE_SEARCH_FRAMES; depth++) {
        if (memory_map_find(context->map, regs.pc) == runtime_code) return 1;
        if (unwind_step(context, &regs, depth == 0) != UNWIND_OK) return 0;
    }
    return 0;
}

/* The NUL-terminated string at text, as much of it as is readable and fits. */
static void copy_readable(const memory_map *map, const char *text, char *out, size_t size) {
    size_t i = 0;
    for (; i + 1 < size; i++) {
        uintptr_t at = (uintptr_t)(text + i);
        if ((i == 0 || (at & 4095) == 0) && !memory_map_readable(map, at, 1)) break;
        if (text[i] == '\0') break;
        out[i] = text[i];
    }
    out[i] = '\0';
}

/* Slot i of the virtual table of the object at self, if the object and the table are readable. */
static const void *virtual_function(const memory_map *map, const void *self, int slot) {
    if (!memory_map_readable(map, (uintptr_t)self, sizeof(void *))) return NULL;
    const void *const *table = *(const void *const *const *)self;
    if (!memory_map_readable(map, (uintptr_t)(table + slot), sizeof(void *))) return NULL;
    return table[slot];
}

/*
 * what() of the thrown object, or NULL. Calling it is calling a virtual function from a signal handler,
 * which no standard allows: it is done only when the function is the C++ runtime's own (std::exception,
 * std::runtime_error, std::logic_error and the like return a string they hold: no allocation, no lock)
 * and never for a what() a program wrote, which could allocate or lock; then only the type is recorded.
 * The fault guard (capture.c) catches a bad pointer. Finding the std::exception inside the object is
 * what a catch clause does: typeid(std::exception).__do_catch(thrown type, &object, 1), slot 4 of
 * libstdc++'s type_info virtual table, itself the runtime's code (checked the same way).
 */
static const char *what_of(const memory_map *map, const map_entry *runtime_code, const void *type, char *out) {
    if (runtime.get_globals == NULL || runtime.std_exception_type == NULL) return NULL;
    struct cxa_exception *const *caught = runtime.get_globals();
    if (caught == NULL || !memory_map_readable(map, (uintptr_t)caught, sizeof *caught)) return NULL;
    const struct cxa_exception *header = *caught;
    if (header == NULL || !memory_map_readable(map, (uintptr_t)header, sizeof *header)) return NULL;
    /* The layout is libstdc++'s if it names the same type and carries the primary exception class. */
    if (header->exception_type != type || header->unwind_header.exception_class != GXX_PRIMARY_CLASS) return NULL;
    void *object = (void *)(header + 1);
    typedef int (*do_catch_function)(const void *self, const void *thrown_type, void **object, unsigned outer);
    do_catch_function do_catch = (do_catch_function)virtual_function(map, runtime.std_exception_type, 4);
    if (do_catch == NULL || memory_map_find(map, (uintptr_t)do_catch) != runtime_code) return NULL;
    if (!do_catch(runtime.std_exception_type, type, &object, 1)) return NULL; /* not a std::exception */
    typedef const char *(*what_function)(const void *self);
    what_function what = (what_function)virtual_function(map, object, 2);
    if (what == NULL || memory_map_find(map, (uintptr_t)what) != runtime_code) return NULL;
    const char *text = what(object);
    if (text == NULL) return NULL;
    copy_readable(map, text, out, WHAT_MAX);
    return out;
}

void cxx_exception_write(bundle_writer *w, const unwind_context *context, const void *ucontext) {
    if (!atomic_load(&runtime_ready) || runtime.current_exception_type == NULL || ucontext == NULL) return;
    const map_entry *runtime_code = memory_map_find(context->map, (uintptr_t)runtime.current_exception_type);
    /* Only when the stack passes through the C++ runtime (the terminate path): the runtime keeps its
     * exceptions in thread-local storage, which glibc allocates (malloc) on a thread's first use in a
     * library loaded by dlopen. __cxa_throw and the terminate handler have just used it on this thread, so
     * reading it allocates nothing, except in the narrow case that another thread loaded a library with
     * thread-local storage in between (glibc may then grow this thread's TLS vector). A thread that aborts
     * elsewhere is never asked: it may hold the allocator's lock. */
    if (runtime_code == NULL || !in_terminate_path(context, ucontext, runtime_code)) return;
    const void *type = runtime.current_exception_type();
    if (type == NULL || !memory_map_readable(context->map, (uintptr_t)type, 2 * sizeof(void *))) return;
    const char *name = ((const char *const *)type)[1]; /* std::type_info: virtual table, then the name */
    char text[WHAT_MAX];
    copy_readable(context->map, name, text, sizeof text);
    if (text[0] == '\0') return;
    bw_field_text(w, "cxx.exceptionType", text[0] == '*' ? text + 1 : text); /* '*': a type local to its file */
    bw_flush(w);
    if (what_of(context->map, runtime_code, type, text) != NULL) {
        bw_field_text(w, "cxx.what", text);
        bw_flush(w);
    }
}
