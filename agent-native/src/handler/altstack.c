#include "altstack.h"

#include <stdatomic.h>
#include <ucontext.h>

#include "sys.h"
#include "thread_registry.h"

/* Stacks of threads that ended, kept for the next threads: mapping a stack with its guard pages and
 * unmapping it (TLB shoot-downs on every CPU the process runs on) made pthread_create + join 2.5 times
 * as slow once every new thread gets a stack (bench/ThreadStartBench.java). Each cell holds one stack or
 * NULL and is taken with an atomic exchange: lock-free, so the service signal's handler may take one. */
#define POOL_CELLS 64
static _Atomic(void *) pool[POOL_CELLS];

static char *take_from_pool(void) {
    for (int i = 0; i < POOL_CELLS; i++) {
        if (atomic_load_explicit(&pool[i], memory_order_relaxed) == NULL) continue;
        void *stack = atomic_exchange(&pool[i], NULL);
        if (stack != NULL) return stack;
    }
    return NULL;
}

void altstack_give_back(void *stack) {
    for (int i = 0; i < POOL_CELLS; i++) {
        void *empty = NULL;
        if (atomic_compare_exchange_strong(&pool[i], &empty, stack)) return;
    }
    sys_munmap(stack, STACK_MAPPING_BYTES);
}

static char *map_stack(void) {
    char *memory = sys_mmap_anonymous(STACK_MAPPING_BYTES, MAP_NORESERVE);
    if (memory == NULL) return NULL;
    /* A guard page below, so a handler that overruns faults instead of writing over other memory;
     * and one above, so the stack never touches a neighbouring mapping (the kernel may place it
     * right under the thread's own stack, which would then look like one larger stack). */
    sys_mprotect(memory, GUARD_BYTES, PROT_NONE);
    sys_mprotect(memory + GUARD_BYTES + ALTSTACK_BYTES, GUARD_BYTES, PROT_NONE);
    return memory;
}

int altstack_ensure_current_thread(void *ucontext) {
    stack_t current;
    if (sys_sigaltstack(NULL, &current) != 0) return 0;
    if (!(current.ss_flags & SS_DISABLE)) return 1; /* someone's stack is there: keep it */
    thread_slot *slot = thread_registry_claim(current_tid());
    if (slot == NULL) return 0;
    char *memory = take_from_pool();
    if (memory == NULL) memory = map_stack();
    if (memory == NULL) return 0;
    stack_t fresh = { .ss_sp = memory + GUARD_BYTES, .ss_size = ALTSTACK_BYTES, .ss_flags = 0 };
    stack_t previous;
    if (sys_sigaltstack(&fresh, &previous) != 0) {
        altstack_give_back(memory);
        return 0;
    }
    if (!(previous.ss_flags & SS_DISABLE)) {
        /* A signal handler gave the thread one since we looked (the sweep's service signal reaching a
         * thread that is still in its pthread_create trampoline): keep that one, return ours. */
        previous.ss_flags = 0;
        sys_sigaltstack(&previous, NULL);
        altstack_give_back(memory);
        if (ucontext != NULL) ((ucontext_t *)ucontext)->uc_stack = previous;
        return 1;
    }
    slot->altstack = memory;
    slot->altstack_bytes = STACK_MAPPING_BYTES;
    if (ucontext != NULL) ((ucontext_t *)ucontext)->uc_stack = fresh;
    return 1;
}

int altstack_running_on_ours(void) {
    stack_t current;
    if (sys_sigaltstack(NULL, &current) != 0 || !(current.ss_flags & SS_ONSTACK)) return 0;
    thread_slot *slot = thread_registry_find(current_tid());
    return slot != NULL && slot->altstack != NULL && (char *)current.ss_sp == (char *)slot->altstack + GUARD_BYTES;
}
