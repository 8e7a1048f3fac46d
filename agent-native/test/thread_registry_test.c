/* Unit tests of the thread registry (handler/thread_registry.c): lock-free open addressing with
 * tombstones, names, and the kernel's view of a thread (comm, state) read from /proc. */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
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

static uint64_t random_state = 0x9e3779b97f4a7c15u;

static uint64_t next_random(void) { /* xorshift64: the same churn on every run */
    random_state ^= random_state << 13;
    random_state ^= random_state >> 7;
    random_state ^= random_state << 17;
    return random_state;
}

static int random_tid(void) {
    return 1 + (int)(next_random() % 4194303); /* up to pid_max's largest value on 64-bit Linux */
}

static int64_t now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

#define LIVE 512
#define CHURN 200000

/* A server that starts and ends threads for days: 200,000 threads come and go with random tids while 512
 * live. A tid crashcap does not know (a thread started by other means, looked up at every capture) must
 * still be found missing after reading a few slots, not the whole table: the table may hold no more
 * non-empty slots than a small multiple of the live threads. (With tombstones that never became empty
 * again, 32,767 of the 32,768 slots were in use after this churn, and each such lookup read them all.) */
static void churn(void) {
    static int live[LIVE];
    for (int i = 0; i < LIVE; i++) {
        do live[i] = random_tid(); while (thread_registry_find(live[i]) != NULL);
        CHECK(thread_registry_claim(live[i]) != NULL);
    }
    for (int n = 0; n < CHURN; n++) {
        int i = (int)(next_random() % LIVE);
        thread_registry_free(thread_registry_find(live[i]));
        do live[i] = random_tid(); while (thread_registry_find(live[i]) != NULL);
        CHECK(thread_registry_claim(live[i]) != NULL);
    }
    int found = 0;
    for (int i = 0; i < LIVE; i++) found += thread_registry_find(live[i]) != NULL;
    CHECK(found == LIVE);
    size_t used = thread_registry_slots_used();
    printf("thread_registry_test: after %d threads came and went, %zu slots in use for %d live threads\n", CHURN,
           used, LIVE);
    CHECK(used <= 4 * LIVE);
    /* Not asserted (a shared, noisy machine): what a lookup of an unknown tid costs now. */
    int64_t start = now_ns();
    int misses = 0;
    for (int n = 0; n < 20000; n++) misses += thread_registry_find(-2 - n) == NULL;
    CHECK(misses == 20000);
    printf("thread_registry_test: a lookup of an unknown tid: %.0f ns\n", (double)(now_ns() - start) / 20000);
    for (int i = 0; i < LIVE; i++) thread_registry_free(thread_registry_find(live[i]));
    CHECK(thread_registry_slots_used() <= 4 * LIVE);
}

/* Writers on several threads at once, and in signal handlers that interrupt them (as the service signal
 * interrupts a thread that claims its slot in ThreadStart), while a reader checks that tids that stay
 * claimed are always found. A handler that waited for the writers' lock its own thread holds would hang
 * here. */
#define WRITERS 4
#define PINNED 64
#define ROUNDS 20000

static atomic_int stop_reading;
static atomic_int reader_misses;
static atomic_int writer_tids[WRITERS];
static atomic_int writers_done;

static int pinned_tid(int i) {
    return 5000000 + i * 7; /* above any random tid of the writers */
}

static void claim_in_handler(int sig) {
    (void)sig;
    int tid = 6000000 + current_tid() % 100000; /* one of its own, as a thread claims only its own tid */
    thread_slot *slot = thread_registry_claim(tid);
    if (slot != NULL) thread_registry_free(slot);
}

static void *write_churn(void *arg) {
    int base = (int)(intptr_t)arg * 1000000 + 1;
    atomic_store(&writer_tids[(intptr_t)arg], current_tid());
    for (int n = 0; n < ROUNDS; n++) {
        int tid = base + (int)((unsigned)(n * 2654435761u) % 999999);
        thread_slot *slot = thread_registry_claim(tid);
        if (slot != NULL && thread_registry_find(tid) != slot) atomic_fetch_add(&reader_misses, 1);
        if (slot != NULL) thread_registry_free(slot);
    }
    atomic_fetch_add(&writers_done, 1);
    return NULL;
}

static void *read_pinned(void *arg) {
    (void)arg;
    while (!atomic_load(&stop_reading)) {
        for (int i = 0; i < PINNED; i++) {
            if (thread_registry_find(pinned_tid(i)) == NULL) atomic_fetch_add(&reader_misses, 1);
        }
    }
    return NULL;
}

static void concurrent_writers(void) {
    struct sigaction action = { .sa_handler = claim_in_handler };
    sigaction(SIGUSR1, &action, NULL);
    for (int i = 0; i < PINNED; i++) CHECK(thread_registry_claim(pinned_tid(i)) != NULL);
    pthread_t reader, writers[WRITERS];
    pthread_create(&reader, NULL, read_pinned, NULL);
    for (intptr_t i = 0; i < WRITERS; i++) pthread_create(&writers[i], NULL, write_churn, (void *)i);
    for (int n = 0; atomic_load(&writers_done) < WRITERS; n++) { /* interrupt the writers, wherever they are */
        int tid = atomic_load(&writer_tids[n % WRITERS]);
        if (tid > 0) syscall(SYS_tgkill, getpid(), tid, SIGUSR1);
    }
    for (int i = 0; i < WRITERS; i++) pthread_join(writers[i], NULL);
    atomic_store(&stop_reading, 1);
    pthread_join(reader, NULL);
    CHECK(atomic_load(&reader_misses) == 0);
    for (int i = 0; i < PINNED; i++) thread_registry_free(thread_registry_find(pinned_tid(i)));
    CHECK(thread_registry_slots_used() == 0);
    signal(SIGUSR1, SIG_DFL);
}

int main(void) {
    claim_find_free();
    names();
    kernel_view();
    churn();
    concurrent_writers();
    return check_report("thread_registry_test");
}
