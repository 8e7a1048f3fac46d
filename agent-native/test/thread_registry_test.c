/* Unit tests of the thread registry (handler/thread_registry.c): lock-free open addressing with
 * tombstones, names, and the kernel's view of a thread (comm, state) read from /proc. */
#include <pthread.h>
#include <sys/prctl.h>

#include "check.h"
#include "thread_registry.h"

#define SLOTS 32768 /* THREAD_SLOTS: tids equal modulo this share a home slot */

static void count_visit(thread_slot *slot, void *arg) {
    (*(int *)arg)++;
}

static void claim_find_free(void) {
    CHECK(thread_registry_find(101) == NULL);
    thread_slot *a = thread_registry_claim(101);
    CHECK(a != NULL && atomic_load(&a->tid) == 101);
    CHECK(thread_registry_claim(101) == a); /* claiming twice gives the same slot */
    CHECK(thread_registry_find(101) == a);
    /* Two tids with the same home slot: the second probes past the first. */
    thread_slot *b = thread_registry_claim(101 + SLOTS);
    CHECK(b != NULL && b != a);
    CHECK(thread_registry_find(101 + SLOTS) == b);
    int visited = 0;
    thread_registry_each(count_visit, &visited);
    CHECK(visited == 2);
    /* Freeing the first leaves a tombstone: the second is still found behind it. */
    thread_registry_free(a);
    CHECK(thread_registry_find(101) == NULL);
    CHECK(thread_registry_find(101 + SLOTS) == b);
    visited = 0;
    thread_registry_each(count_visit, &visited);
    CHECK(visited == 1);
    /* A new claim reuses the tombstone, and comes back clean. */
    thread_slot *c = thread_registry_claim(101 + 2 * SLOTS);
    CHECK(c == a);
    CHECK(c->altstack == NULL && c->java_thread == NULL && c->stack_high == 0);
    thread_registry_free(b);
    thread_registry_free(c);
}

static void names(void) {
    char name[THREAD_NAME_MAX];
    CHECK(thread_registry_java_name(202, name, sizeof name) == 0); /* unknown tid */
    thread_slot *slot = thread_registry_claim(202);
    CHECK(thread_registry_java_name(202, name, sizeof name) == 0); /* claimed, not named yet */
    thread_registry_set_name(slot, "worker-1");
    CHECK(thread_registry_java_name(202, name, sizeof name) == 1);
    CHECK_TEXT(name, "worker-1");
    /* A name longer than the slot is cut, never overruns. */
    char long_name[200];
    memset(long_name, 'n', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    thread_registry_set_name(slot, long_name);
    CHECK(thread_registry_java_name(202, name, sizeof name) == 1);
    CHECK(strlen(name) == THREAD_NAME_MAX - 1);
    thread_registry_free(slot);
    CHECK(thread_registry_java_name(202, name, sizeof name) == 0);
}

/* The kernel's name and state of a live thread, as /proc shows them. */
static void kernel_view(void) {
    prctl(PR_SET_NAME, "reg (test) x"); /* spaces and ')' in the comm: the stat parser must cope */
    char comm[32];
    CHECK(thread_comm_name(current_tid(), comm, sizeof comm) == strlen("reg (test) x"));
    CHECK_TEXT(comm, "reg (test) x");
    CHECK(thread_kernel_state(current_tid()) == 'R'); /* it is reading its own stat: running */
    CHECK(thread_comm_name(0x7ffffff0, comm, sizeof comm) == 0); /* no such thread */
    CHECK(thread_kernel_state(0x7ffffff0) == '?');
}

int main(void) {
    claim_find_free();
    names();
    kernel_view();
    return check_report("thread_registry_test");
}
