#include "thread_sweeper.h"

#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "altstack.h"
#include "background_thread.h"
#include "existing_altstacks.h"
#include "proc.h"
#include "service_signal.h"
#include "sys.h"
#include "thread_registry.h"
#include "thread_start_hook.h"

#define TIDS_MAX 65536

/* Sorted tids seen by the previous sweep: a new thread is one not in it. Only the sweep thread uses
 * these, so no locking. */
static int *seen;
static int seen_count;
static int *current;

static int compare_ints(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int list_current(void) {
    int count = proc_task_list(current, TIDS_MAX);
    return count > 0 ? count : 0;
}

static int contains(const int *sorted, int count, int tid) {
    return bsearch(&tid, sorted, (size_t)count, sizeof(int), compare_ints) != NULL;
}

/* A slot whose thread is gone (native threads end without telling anyone): free its stack. Gone means
 * listed by the previous sweep and not by this one: a thread that started after this sweep's listing
 * is in neither, and must keep its stack. */
static void forget_if_exited(thread_slot *slot, void *count) {
    int tid = atomic_load(&slot->tid);
    if (contains(current, *(int *)count, tid) || !contains(seen, seen_count, tid)) return;
    if (slot->java_thread != NULL) return; /* Java threads are released by JVMTI ThreadEnd */
    /* The kernel may have given the tid to a new thread since the listing (tids wrap at pid_max): that
     * thread may already run on the stack its pthread_create trampoline put in this slot. */
    if (sys_tgkill(tid, 0) == 0) return;
    if (slot->altstack != NULL) altstack_release_exited(slot->altstack, slot->altstack_bytes);
    slot->altstack = NULL;
    thread_registry_free(slot);
}

static void sweep_once(void) {
    existing_altstacks_give_if_overdue(); /* a dump's arming whose snapshot did not give them */
    thread_start_hook_scan(); /* modules loaded by other means than libjvm's dlopen */
    int count = list_current();
    for (int i = 0; i < count; i++) {
        int tid = current[i];
        if (contains(seen, seen_count, tid)) continue;
        thread_slot *slot = thread_registry_find(tid);
        if (slot == NULL || slot->altstack == NULL) service_signal_send(tid);
    }
    thread_registry_each(forget_if_exited, &count);
    memcpy(seen, current, (size_t)count * sizeof(int));
    seen_count = count;
}

static void *sweeper_main(void *unused) {
    prctl(PR_SET_NAME, "crashcap-sweep");
    struct timespec interval = { 0, SWEEP_INTERVAL_MS * 1000000L };
    /* Asleep first: arming has just signalled every thread there is, and a JVM that ends within the interval
     * (a CLI, a test fork) never pays for a sweep. */
    for (;;) {
        nanosleep(&interval, NULL);
        sweep_once();
    }
    return NULL;
}

const char *thread_sweeper_start(void) {
    /* Arming time (and the sweep thread itself), never a signal handler. */
    /* Mapped, not calloc'd: address space until a sweep writes the first tids into it. calloc may take 256 KiB
     * from the heap (when glibc's mmap threshold has risen) and zero it, all resident. */
    seen = sys_mmap_anonymous(TIDS_MAX * sizeof(int), MAP_NORESERVE);
    current = sys_mmap_anonymous(TIDS_MAX * sizeof(int), MAP_NORESERVE);
    if (seen == NULL || current == NULL) return "out of memory";
    /* The first sweep sees every thread as new; the arming code has signalled them all already. */
    seen_count = list_current();
    memcpy(seen, current, (size_t)seen_count * sizeof(int));
    if (background_thread_start(sweeper_main, 64 * 1024) != 0) return "cannot start the thread sweep";
    return NULL;
}
