#include "altstack.h"

#include <signal.h>
#include <ucontext.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "thread_registry.h"

/* HotSpot's own fatal-error handler runs on this stack too after ours (it writes hs_err from there),
 * and it needs far more than SIGSTKSZ: 256 KiB was measured to be enough on JDK 17 and 25. It is
 * mapped MAP_NORESERVE: only the pages a handler actually touched become resident. */
#define ALTSTACK_BYTES (256 * 1024)
#define GUARD_BYTES 4096

int altstack_ensure_current_thread(void *ucontext) {
    stack_t current;
    if (sigaltstack(NULL, &current) != 0) return 0;
    if (!(current.ss_flags & SS_DISABLE)) return 1; /* someone's stack is there: keep it */
    thread_slot *slot = thread_registry_claim(current_tid());
    if (slot == NULL) return 0;
    size_t bytes = GUARD_BYTES + ALTSTACK_BYTES + GUARD_BYTES;
    char *memory = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (memory == MAP_FAILED) return 0;
    /* A guard page below, so a handler that overruns faults instead of writing over other memory;
     * and one above, so the stack never touches a neighbouring mapping (the kernel may place it
     * right under the thread's own stack, which would then look like one larger stack). */
    mprotect(memory, GUARD_BYTES, PROT_NONE);
    mprotect(memory + GUARD_BYTES + ALTSTACK_BYTES, GUARD_BYTES, PROT_NONE);
    stack_t fresh = { .ss_sp = memory + GUARD_BYTES, .ss_size = ALTSTACK_BYTES, .ss_flags = 0 };
    if (sigaltstack(&fresh, NULL) != 0) {
        munmap(memory, bytes);
        return 0;
    }
    slot->altstack = memory;
    slot->altstack_bytes = bytes;
    if (ucontext != NULL) ((ucontext_t *)ucontext)->uc_stack = fresh;
    return 1;
}

void altstack_release_current_thread(void) {
    thread_slot *slot = thread_registry_find(current_tid());
    if (slot == NULL || slot->altstack == NULL) return;
    stack_t current;
    if (sigaltstack(NULL, &current) != 0 || (current.ss_flags & SS_ONSTACK)) return;
    if ((char *)current.ss_sp == (char *)slot->altstack + GUARD_BYTES) {
        stack_t disabled = { .ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE };
        sigaltstack(&disabled, NULL);
    }
    munmap(slot->altstack, slot->altstack_bytes);
    slot->altstack = NULL;
}

void altstack_release_exited(void *stack, unsigned long bytes) {
    munmap(stack, bytes);
}
