#include "altstack.h"

#include <ucontext.h>

#include "sys.h"
#include "thread_registry.h"

int altstack_ensure_current_thread(void *ucontext) {
    stack_t current;
    if (sys_sigaltstack(NULL, &current) != 0) return 0;
    if (!(current.ss_flags & SS_DISABLE)) return 1; /* someone's stack is there: keep it */
    thread_slot *slot = thread_registry_claim(current_tid());
    if (slot == NULL) return 0;
    size_t bytes = GUARD_BYTES + ALTSTACK_BYTES + GUARD_BYTES;
    char *memory = sys_mmap_anonymous(bytes, MAP_NORESERVE);
    if (memory == NULL) return 0;
    /* A guard page below, so a handler that overruns faults instead of writing over other memory;
     * and one above, so the stack never touches a neighbouring mapping (the kernel may place it
     * right under the thread's own stack, which would then look like one larger stack). */
    sys_mprotect(memory, GUARD_BYTES, PROT_NONE);
    sys_mprotect(memory + GUARD_BYTES + ALTSTACK_BYTES, GUARD_BYTES, PROT_NONE);
    stack_t fresh = { .ss_sp = memory + GUARD_BYTES, .ss_size = ALTSTACK_BYTES, .ss_flags = 0 };
    if (sys_sigaltstack(&fresh, NULL) != 0) {
        sys_munmap(memory, bytes);
        return 0;
    }
    slot->altstack = memory;
    slot->altstack_bytes = bytes;
    if (ucontext != NULL) ((ucontext_t *)ucontext)->uc_stack = fresh;
    return 1;
}

int altstack_running_on_ours(void) {
    stack_t current;
    if (sys_sigaltstack(NULL, &current) != 0 || !(current.ss_flags & SS_ONSTACK)) return 0;
    thread_slot *slot = thread_registry_find(current_tid());
    return slot != NULL && slot->altstack != NULL && (char *)current.ss_sp == (char *)slot->altstack + GUARD_BYTES;
}
