/* The top of each thread's stack and its whole register state, copied at a capture so that the crash can be
 * walked again and inspected elsewhere (crashcap export --minidump). Each thread copies its own, inside its own
 * signal handler, into room the capture owner mapped: a thread that answered may run on (a live snapshot) and
 * its stack change under a reader, but never while it copies it itself. Async-signal-safe. */
#ifndef CRASHCAP_STACK_MEMORY_H
#define CRASHCAP_STACK_MEMORY_H

#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "memory_map.h"

/* The defaults of the agent option stack-memory (KiB per thread; the crashing thread gets 8 times as much). */
#define STACK_MEMORY_DEFAULT_BYTES (32u * 1024)
#define STACK_MEMORY_CRASHING_FACTOR 8

typedef struct {
    int saved;                    /* regs and fp hold the thread's registers as its signal found them */
    uint32_t fp_bytes;            /* bytes of fp in use (0: the kernel gave no FPU state) */
    uint64_t regs[ARCH_CONTEXT_WORDS];
    uint8_t fp[ARCH_CONTEXT_FP_BYTES > 0 ? ARCH_CONTEXT_FP_BYTES : 1];
    uintptr_t start;              /* the thread's address of bytes[0] */
    size_t length;                /* bytes copied */
    uint8_t *bytes;               /* capacity bytes of room from the capture owner; NULL: no copy */
    size_t capacity;
} stack_memory;

/* At arming (not in a handler): how many bytes to keep per thread and for the crashing thread (the agent option
 * stack-memory; 0 turns the copies off, registers are still kept). Until called, the defaults above. */
void stack_memory_configure(size_t each_thread, size_t crashing_thread);

/* At arming (arming/stack_memory_prepare.c, from capture_prepare, so on every way in): the lowest address of the
 * block the kernel put at the top of the main thread's stack (the command line and environment strings,
 * AT_RANDOM's bytes). Copies end below it, so that no environment value (a secret, unredacted) and no
 * stack-protector seed leaves the process in a bundle. */
void stack_memory_set_process_block(uintptr_t process_block);
size_t stack_memory_each_thread(void);
size_t stack_memory_crashing_thread(void);

/* Capture owner: maps room for `count` threads and gives the stack_memory found every `stride` bytes from
 * `first` (the field of one slot in an array of slots) its part. Without room (off, or mmap failed) each gets
 * none and only registers are kept. */
void stack_memory_assign(stack_memory *first, size_t stride, int count);

/* Gives back what stack_memory_assign mapped for the same slots. */
void stack_memory_unmap(stack_memory *first, size_t stride, int count);

/* In the signal handler of the thread itself (or by the owner for the crashing thread, whose interrupted stack
 * does not move while it runs the capture): saves the registers of ucontext and copies memory from the stack
 * pointer (less the red zone) upwards, at most `capacity` bytes, never past the readable mapping that holds
 * it. `guard`, when not NULL, is set around the copy (the caller's fault recovery jumps to it with
 * *guard_active set): a fault leaves length 0. */
void stack_memory_take(stack_memory *memory, const memory_map *map, const void *ucontext, sigjmp_buf guard,
                       volatile sig_atomic_t *guard_active);

#endif
