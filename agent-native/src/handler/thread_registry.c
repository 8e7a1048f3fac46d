#include "thread_registry.h"

#include "proc.h"
#include "text.h"

/* Open addressing on the tid, with tombstones (THREAD_SLOT_FREED) so that lookups stay lock-free.
 * Only a thread itself (or the one sweep thread) claims a tid, so a tid is never claimed twice at
 * once. Untouched slots cost no resident memory (bss). */
#define THREAD_SLOTS 32768 /* a power of two */

static thread_slot slots[THREAD_SLOTS];

/* The tid itself: the kernel hands out tids in sequence, so threads started together (a JVM's at start-up, a
 * pool's) sit in neighbouring slots, a few pages of the table. A multiplicative hash spread the twenty threads
 * of a fresh JVM over twenty pages, each made resident by its first write: 80 KiB of peak RSS at start-up. */
static size_t home_of(int tid) {
    return (unsigned)tid & (THREAD_SLOTS - 1);
}

thread_slot *thread_registry_find(int tid) {
    size_t index = home_of(tid);
    for (size_t probe = 0; probe < THREAD_SLOTS; probe++, index = (index + 1) & (THREAD_SLOTS - 1)) {
        int owner = atomic_load(&slots[index].tid);
        if (owner == tid) return &slots[index];
        if (owner == THREAD_SLOT_EMPTY) return NULL;
    }
    return NULL;
}

thread_slot *thread_registry_claim(int tid) {
    thread_slot *existing = thread_registry_find(tid);
    if (existing != NULL) return existing;
    size_t index = home_of(tid);
    for (size_t probe = 0; probe < THREAD_SLOTS; probe++, index = (index + 1) & (THREAD_SLOTS - 1)) {
        int owner = atomic_load(&slots[index].tid);
        if ((owner == THREAD_SLOT_EMPTY || owner == THREAD_SLOT_FREED) &&
            atomic_compare_exchange_strong(&slots[index].tid, &owner, tid)) {
            thread_slot *slot = &slots[index];
            atomic_store(&slot->name_ready, 0);
            slot->java_thread = NULL;
            atomic_store(&slot->vm_thread, 0);
            slot->daemon = -1;
            slot->altstack = NULL;
            slot->altstack_bytes = 0;
            slot->stack_low = 0;
            slot->stack_high = 0;
            return slot;
        }
    }
    return NULL; /* full: the thread keeps its kernel name and gets no alternate stack */
}

void thread_registry_free(thread_slot *slot) {
    atomic_store(&slot->name_ready, 0);
    atomic_store(&slot->vm_thread, 0);
    atomic_store(&slot->tid, THREAD_SLOT_FREED);
}

void thread_registry_set_name(thread_slot *slot, const char *name) {
    atomic_store(&slot->name_ready, 0);
    copy_text(slot->name, sizeof slot->name, name);
    atomic_store(&slot->name_ready, 1);
}

int thread_registry_java_name(int tid, char *out, size_t size) {
    thread_slot *slot = thread_registry_find(tid);
    if (slot == NULL || !atomic_load(&slot->name_ready)) return 0;
    copy_text(out, size, slot->name);
    return 1;
}

int thread_registry_daemon(int tid) {
    thread_slot *slot = thread_registry_find(tid);
    if (slot == NULL || !atomic_load(&slot->name_ready)) return -1;
    return slot->daemon;
}

void thread_registry_each(void (*visit)(thread_slot *slot, void *arg), void *arg) {
    for (size_t i = 0; i < THREAD_SLOTS; i++) {
        if (atomic_load(&slots[i].tid) > 0) visit(&slots[i], arg);
    }
}

/* Reads a small /proc/self/task/<tid>/<file> into out (NUL-terminated). */
static ssize_t read_task_file(int tid, const char *file, char *out, size_t size) {
    char path[64] = "/proc/self/task/";
    size_t len = 16;
    len += format_dec(path + len, sizeof path - len, tid);
    path[len++] = '/';
    copy_text(path + len, sizeof path - len, file);
    return proc_read_file(path, out, size);
}

size_t thread_comm_name(int tid, char *out, size_t size) {
    if (size == 0) return 0;
    ssize_t n = read_task_file(tid, "comm", out, size);
    if (n <= 0) {
        out[0] = '\0';
        return 0;
    }
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\0')) n--;
    out[n] = '\0';
    return (size_t)n;
}

char thread_kernel_state(int tid) {
    char stat[512];
    ssize_t n = read_task_file(tid, "stat", stat, sizeof stat);
    if (n <= 0) return '?';
    const char *state = proc_stat_field(stat, 3); /* "tid (comm) S ..." */
    return state != NULL ? *state : '?';
}
