/* Alternate signal stacks, so that a thread whose own stack is exhausted can still run the crash
 * handler (the kernel cannot push a signal frame onto a full stack: without one the process dies
 * silently). */
#ifndef CRASHCAP_ALTSTACK_H
#define CRASHCAP_ALTSTACK_H

/* HotSpot's own fatal-error handler runs on this stack too after ours (it writes hs_err from there),
 * and it needs far more than SIGSTKSZ: 256 KiB was measured to be enough on JDK 17 and 25. It is
 * mapped MAP_NORESERVE: only the pages a handler actually touched become resident. */
#define ALTSTACK_BYTES (256 * 1024)
#define GUARD_BYTES 4096
#define STACK_MAPPING_BYTES (GUARD_BYTES + ALTSTACK_BYTES + GUARD_BYTES)

/* Gives the calling thread an alternate signal stack unless it has one (ours or anyone's: never
 * replaced). Callable from a signal handler running on the thread's own stack (sigaltstack is
 * async-signal-safe; mmap is a plain system call here): then pass the handler's ucontext, because
 * rt_sigreturn restores the alternate stack saved in it and would undo ours. NULL outside handlers.
 * Returns 1 if the thread now has one. */
int altstack_ensure_current_thread(void *ucontext);

/* The thread is ending: disables the stack crashcap gave it, if any, and gives it back (below). Not
 * from handlers (this and altstack_release_exited: arming/altstack_release.c). */
void altstack_release_current_thread(void);

/* 1 if the calling thread is in a signal handler running on the alternate stack crashcap gave it (without
 * crashcap it would have had none). Async-signal-safe. */
int altstack_running_on_ours(void);

/* The same for the stack of a thread that has exited (found by the sweep). */
void altstack_release_exited(void *stack, unsigned long bytes);

/* Keeps a stack (a mapping of STACK_MAPPING_BYTES from altstack_ensure_current_thread) for a later
 * thread, or unmaps it when enough are kept. Async-signal-safe (lock-free). */
void altstack_give_back(void *stack);

#endif
