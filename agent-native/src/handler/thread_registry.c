#include "thread_registry.h"

#include "proc.h"
#include "text.h"

/* Open addressing on the tid with linear probing, and tombstones (THREAD_SLOT_FREED) so that lookups
 * stay lock-free. Untouched slots cost no resident memory (bss).
 *
 * Tombstones turn back into empty slots, or after days of threads coming and going (tids wrap around
 * pid_max) every slot would be a tombstone or in use, and a lookup of a tid crashcap does not know (the
 * signal handler does one for every thread at a capture) would read all 32,768 slots before it gives up.
 *
 * Why that is safe for lock-free readers. A lookup of tid T starts at T's home h and stops at T or at the
 * first empty slot. It is right as long as, for every claimed slot j, no slot from h(j) to j-1 (in probe
 * order, around the end) is empty: the invariant. Claims keep it, since a claim takes the first empty or
 * free slot from its home and every slot it passed was in use. Freeing keeps it (a tombstone is not empty).
 * A tombstone k may become empty when the slot after it, k+1, is empty: if a claimed j had h(j) <= k < j,
 * then k+1 would be j itself (claimed, not empty) or a slot between h(j) and j (not empty by the
 * invariant); so no such j exists and no lookup can need to pass k. Once k is empty, the tombstone before
 * it may follow, and so on backwards. A reader already past k is not affected; one not yet at k stops
 * there only if what it looks for is not beyond k.
 *
 * The argument needs the claims' view to hold: a claim that saw slot k in use and moved on to k+1 (empty)
 * while k was freed and emptied would break the invariant. So claims and the emptying are serialised by
 * one writers' lock, which readers never take. Claims happen in signal handlers too (altstack.c: the
 * service signal gives a thread its alternate stack), so a thread blocks every signal while it holds the
 * lock: a handler can never wait for a lock its own thread holds, and a thread inside a handler holds none.
 * The held part is short and touches only this table (no fault, no system call but the mask's). */
#define THREAD_SLOTS 32768 /* a power of two */

static thread_slot slots[THREAD_SLOTS];
static atomic_flag writing = ATOMIC_FLAG_INIT;

/* The tid itself: the kernel hands out tids in sequence, so threads started together (a JVM's at start-up, a
 * pool's) sit in neighbouring slots, a few pages of the table. A multiplicative hash spread the twenty threads
 * of a fresh JVM over twenty pages, each made resident by its first write: 80 KiB of peak RSS at start-up. */
static size_t home_of(int tid) {
    return (unsigned)tid & (THREAD_SLOTS - 1);
}

/* Blocks every signal (the kernel's 64-bit set; SIGKILL and SIGSTOP stay as they are) and takes the lock.
 * Both system calls are async-signal-safe. */
static uint64_t lock_writers(void) {
    uint64_t all = ~(uint64_t)0, saved = 0;
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, &saved, sizeof all);
    while (atomic_flag_test_and_set_explicit(&writing, memory_order_acquire)) syscall(SYS_sched_yield);
    return saved;
}

static void unlock_writers(uint64_t saved) {
    atomic_flag_clear_explicit(&writing, memory_order_release);
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &saved, NULL, sizeof saved);
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

static thread_slot *claim_locked(int tid) {
    thread_slot *existing = thread_registry_find(tid);
    if (existing != NULL) return existing;
    size_t index = home_of(tid);
    for (size_t probe = 0; probe < THREAD_SLOTS; probe++, index = (index + 1) & (THREAD_SLOTS - 1)) {
        int owner = atomic_load(&slots[index].tid);
        if (owner == THREAD_SLOT_EMPTY || owner == THREAD_SLOT_FREED) {
            thread_slot *slot = &slots[index];
            atomic_store(&slot->name_ready, 0);
            slot->java_thread = NULL;
            atomic_store(&slot->vm_thread, 0);
            slot->daemon = -1;
            slot->altstack = NULL;
            slot->altstack_bytes = 0;
            slot->stack_low = 0;
            slot->stack_high = 0;
            atomic_store(&slot->tid, tid);
            return slot;
        }
    }
    return NULL; /* full: the thread keeps its kernel name and gets no alternate stack */
}

thread_slot *thread_registry_claim(int tid) {
    thread_slot *existing = thread_registry_find(tid); /* the common case, without the lock */
    if (existing != NULL) return existing;
    uint64_t saved = lock_writers();
    thread_slot *slot = claim_locked(tid);
    unlock_writers(saved);
    return slot;
}

void thread_registry_free(thread_slot *slot) {
    atomic_store(&slot->name_ready, 0);
    atomic_store(&slot->vm_thread, 0);
    uint64_t saved = lock_writers();
    atomic_store(&slot->tid, THREAD_SLOT_FREED);
    /* Empty the tombstones that end just before an empty slot, this one first (see the top of the file). */
    size_t index = (size_t)(slot - slots);
    if (atomic_load(&slots[(index + 1) & (THREAD_SLOTS - 1)].tid) == THREAD_SLOT_EMPTY) {
        while (atomic_load(&slots[index].tid) == THREAD_SLOT_FREED) {
            atomic_store(&slots[index].tid, THREAD_SLOT_EMPTY);
            index = (index - 1) & (THREAD_SLOTS - 1);
        }
    }
    unlock_writers(saved);
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

size_t thread_registry_slots_used(void) {
    size_t used = 0;
    for (size_t i = 0; i < THREAD_SLOTS; i++) {
        if (atomic_load(&slots[i].tid) != THREAD_SLOT_EMPTY) used++;
    }
    return used;
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
