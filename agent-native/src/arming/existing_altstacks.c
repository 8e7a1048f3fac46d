#include "existing_altstacks.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "clock.h"
#include "proc.h"
#include "service_signal.h"
#include "sys.h"
#include "thread_registry.h"

#define TIDS_MAX 65536
/* The sweep gives the stacks itself if no snapshot did by then: a snapshot normally ends long before. */
#define FALLBACK_NS (1000LL * 1000000)

static atomic_int deferred; /* set before arming for a dump */
static atomic_int pending;  /* 1 from arming until the stacks were given */
static _Atomic int64_t fallback_at;

void existing_altstacks_defer_to_snapshot(void) {
    atomic_store(&deferred, 1);
}

void existing_altstacks_arm(void) {
    if (!atomic_load(&deferred)) {
        service_signal_send_to_all_others();
        return;
    }
    atomic_store(&fallback_at, monotonic_ns() + FALLBACK_NS);
    atomic_store(&pending, 1);
}

void existing_altstacks_give(void) {
    if (!atomic_exchange(&pending, 0)) return;
    int self = current_tid();
    int *tids = calloc(TIDS_MAX, sizeof(int)); /* arming time or the sweep, never in a handler */
    if (tids == NULL) {
        service_signal_send_to_all_others();
        return;
    }
    int count = proc_task_list(tids, TIDS_MAX);
    for (int i = 0; i < count; i++) {
        if (tids[i] == self) continue;
        thread_slot *slot = thread_registry_find(tids[i]);
        if (slot == NULL || slot->altstack == NULL) service_signal_send(tids[i]);
    }
    free(tids);
}

void existing_altstacks_give_if_overdue(void) {
    if (atomic_load(&pending) && monotonic_ns() >= atomic_load(&fallback_at)) existing_altstacks_give();
}
