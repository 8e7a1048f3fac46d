#include "thread_start_hook.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "altstack.h"
#include "got_slots.h"
#include "thread_registry.h"

#define MODULES_MAX 4096
#define SLOTS_PER_MODULE 8

typedef struct {
    void *(*routine)(void *);
    void *arg;
} thread_start;

/* The thread is ending: give back the alternate stack crashcap gave it and its registry slot. A Java
 * thread's are given back by JVMTI ThreadEnd (its slot is gone by then, or still holds its
 * java.lang.Thread if it exits attached: the sweep leaves such slots alone too). */
static void thread_ends(void *unused) {
    thread_slot *slot = thread_registry_find(current_tid());
    if (slot == NULL || slot->java_thread != NULL) return;
    altstack_release_current_thread();
    thread_registry_free(slot);
}

/* The start routine of every thread a hooked module creates. It stays at the bottom of the thread's
 * stack, so it is a frame there (between libc's start_thread and the real start routine). */
static void *crashcap_thread_start(void *argument) {
    thread_start start = *(thread_start *)argument;
    free(argument); /* the new thread's own context, not a handler */
    /* A Java thread (libjvm's threads come here too) gets the same stack that JVMTI ThreadStart would
     * give it a moment later; ThreadStart then finds it and installs no second one. */
    altstack_ensure_current_thread(NULL);
    void *result;
    pthread_cleanup_push(thread_ends, NULL);
    result = start.routine(start.arg);
    pthread_cleanup_pop(1);
    return result;
}

/* Runs where a hooked module called pthread_create: a normal thread context, never a signal handler
 * (pthread_create is not async-signal-safe either), so malloc is allowed; the new thread frees it. */
static int hooked_pthread_create(pthread_t *thread, const pthread_attr_t *attributes, void *(*routine)(void *),
                                 void *arg) {
    thread_start *start = malloc(sizeof *start);
    if (start == NULL) return pthread_create(thread, attributes, routine, arg); /* then the sweep covers it */
    start->routine = routine;
    start->arg = arg;
    int failed = pthread_create(thread, attributes, crashcap_thread_start, start);
    if (failed) free(start);
    return failed;
}

/* Which modules were looked at already, by load address; guarded by scan_lock. */
static pthread_mutex_t scan_lock = PTHREAD_MUTEX_INITIALIZER;
static uintptr_t visited[MODULES_MAX];
static size_t visited_count;
static unsigned long long seen_adds, seen_subs;
static void *real_pthread_create;
static atomic_int armed;

/* libc and libpthread hold pthread_create itself, the dynamic linker and the vDSO start no threads,
 * and crashcap's own threads (the sweep, the resolver) get their stacks from the sweep. */
static int left_alone(const struct dl_phdr_info *info) {
    if (got_module_contains(info, (uintptr_t)hooked_pthread_create)) return 1;
    const char *name = info->dlpi_name != NULL ? info->dlpi_name : "";
    const char *slash = strrchr(name, '/');
    const char *base = slash != NULL ? slash + 1 : name;
    static const char *const prefixes[] = { "libc.so", "libpthread.so", "ld-linux", "ld64.so", "linux-vdso",
                                            "linux-gate" };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        if (strncmp(base, prefixes[i], strlen(prefixes[i])) == 0) return 1;
    }
    return 0;
}

static int was_visited(uintptr_t base) {
    for (size_t i = 0; i < visited_count; i++) {
        if (visited[i] == base) return 1;
    }
    return 0;
}

/* The mappings' protections for the slot writes of one scan (got_slots.h); guarded by scan_lock. */
static got_maps scan_maps;

/* A slot is ours to take when it holds what the dynamic linker binds pthread_create to, or (lazy
 * binding, not called yet) the module's own PLT stub. Anything else is someone else's hook: kept. */
static void hook_module(const struct dl_phdr_info *info) {
    uintptr_t slots[SLOTS_PER_MODULE];
    size_t count = got_find_slots(info, "pthread_create", slots, SLOTS_PER_MODULE);
    for (size_t i = 0; i < count; i++) {
        void *current = __atomic_load_n((void **)slots[i], __ATOMIC_ACQUIRE);
        if (current == (void *)hooked_pthread_create) continue;
        if (current == real_pthread_create || got_module_contains(info, (uintptr_t)current)) {
            got_write_slot(&scan_maps, slots[i], (void *)hooked_pthread_create);
        }
    }
}

typedef struct {
    int first;
} scan_state;

/* Inside dl_iterate_phdr, which holds the loader's lock: no module is unloaded while its slot is written. */
static int visit_module(struct dl_phdr_info *info, size_t size, void *arg) {
    scan_state *state = arg;
    if (state->first) {
        state->first = 0;
        int counted = size >= offsetof(struct dl_phdr_info, dlpi_subs) + sizeof info->dlpi_subs;
        if (counted && info->dlpi_adds == seen_adds && info->dlpi_subs == seen_subs) {
            return 1; /* nothing loaded or unloaded since the last scan */
        }
        /* After an unload a new module may sit where a visited one was: look at every module again
         * (slots hooked already are recognised and left as they are). */
        if (!counted || info->dlpi_subs != seen_subs) visited_count = 0;
        if (counted) {
            seen_adds = info->dlpi_adds;
            seen_subs = info->dlpi_subs;
        }
    }
    if (was_visited(info->dlpi_addr)) return 0;
    if (visited_count < MODULES_MAX) visited[visited_count++] = info->dlpi_addr;
    if (!left_alone(info)) hook_module(info);
    return 0;
}

/* map: the protections to write slots by, or NULL to read them at the first slot write. */
static void scan(const memory_map *map) {
    if (!atomic_load(&armed)) return;
    pthread_mutex_lock(&scan_lock); /* loads on several threads at once, and the sweep; never a handler */
    scan_maps.given = map;
    scan_state state = { 1 };
    dl_iterate_phdr(visit_module, &state);
    got_maps_release(&scan_maps);
    scan_maps.given = NULL;
    pthread_mutex_unlock(&scan_lock);
}

void thread_start_hook_scan(void) {
    scan(NULL);
}

void thread_start_hook_arm(const memory_map *map) {
    /* What a module's GOT holds for pthread_create once bound (glibc 2.34+: libc's, whose GLIBC_2.2.5
     * and GLIBC_2.34 versions are one function; before 2.34: libpthread's). */
    real_pthread_create = dlsym(RTLD_DEFAULT, "pthread_create");
    if (real_pthread_create == NULL) return;
    atomic_store(&armed, 1);
    scan(map);
}
