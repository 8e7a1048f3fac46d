#include <signal.h>

#include "altstack.h"
#include "thread_registry.h"

void altstack_release_current_thread(void) {
    thread_slot *slot = thread_registry_find(current_tid());
    if (slot == NULL || slot->altstack == NULL) return;
    stack_t current;
    if (sigaltstack(NULL, &current) != 0 || (current.ss_flags & SS_ONSTACK)) return;
    if ((char *)current.ss_sp == (char *)slot->altstack + GUARD_BYTES) {
        stack_t disabled = { .ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE };
        sigaltstack(&disabled, NULL);
    }
    altstack_give_back(slot->altstack);
    slot->altstack = NULL;
}

void altstack_release_exited(void *stack, unsigned long bytes) {
    altstack_give_back(stack);
}
