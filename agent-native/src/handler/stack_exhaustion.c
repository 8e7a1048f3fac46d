#include "stack_exhaustion.h"

#include "altstack.h"
#include "arch.h"
#include "sys.h"

/* Only a fault this close to the stack pointer can be the stack running out; HotSpot's own faults
 * (implicit null checks, safepoint polls, stack banging far below sp) are further away and cost no
 * system call here. */
#define NEAR_SP (64 * 1024)

/* The kernel's signal frame: its size depends on the processor's register state (3,376 bytes with
 * AVX-512 here); the kernel says it in the auxiliary vector. */
static unsigned long frame_bytes = 4096;

void stack_exhaustion_prepare(unsigned long signal_frame_bytes) {
    if (signal_frame_bytes != 0) frame_bytes = signal_frame_bytes;
}

/* What the probe writes lands below the interrupted code's red zone: memory the ABI leaves to signal
 * frames. */
static int kernel_can_write(uintptr_t address) {
    return sys_kernel_can_write((void *)(address & ~(uintptr_t)7));
}

int stack_exhaustion_possible(int sig, const siginfo_t *info, const void *ucontext) {
    if ((sig != SIGSEGV && sig != SIGBUS) || info->si_code <= 0) return 0;
    /* The stack pointer alone (not every register): this runs for every fault HotSpot handles itself. */
    uintptr_t sp = arch_sp_from_ucontext(ucontext);
    uintptr_t bottom = sp - ARCH_RED_ZONE - frame_bytes;
    uintptr_t fault = (uintptr_t)info->si_addr;
    return fault + NEAR_SP >= bottom && fault <= sp + NEAR_SP;
}

int stack_exhaustion_fatal_without_us(int sig, const siginfo_t *info, const void *ucontext, int previous_on_altstack) {
    if (!stack_exhaustion_possible(sig, info, ucontext)) return 0;
    uintptr_t top = arch_sp_from_ucontext(ucontext) - ARCH_RED_ZONE;
    uintptr_t bottom = top - frame_bytes;
    /* Every page the frame would cover. */
    int writable = 1;
    for (uintptr_t probe = top - 8; writable && probe >= bottom; probe -= 4096) writable = kernel_can_write(probe);
    if (writable) writable = kernel_can_write(bottom);
    if (writable) return 0;
    return previous_on_altstack ? altstack_running_on_ours() : 1;
}
