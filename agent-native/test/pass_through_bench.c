/* What crashcap's handler costs a signal the JVM handles itself (an implicit null check, a safepoint
 * poll): the same fault taken many times, delivered straight to a stand-in for HotSpot's handler
 * ("bare", as without crashcap), and through crash_handler, which asks JVM_handle_linux_signal first
 * and returns when it says handled ("crashcap"). The stand-in is this program's own exported
 * JVM_handle_linux_signal: crash_handler finds it with dlsym, as it finds libjvm's. It handles a load
 * from a PROT_NONE page by stepping over the two-byte instruction, so the loop goes on.
 *
 *   pass_through_bench [faults per round] [rounds]
 * prints nanoseconds per fault, median and minimum of the rounds, bare and through crashcap (the rounds
 * alternate between the two). Exits 1 only if a fault did not come back as handled: the chain is the
 * thing under test (ctest runs it small); the timings are printed, never judged (shared noisy machines).
 * bench/run.sh runs it larger. x86_64 only (the instruction stepped over is x86's). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>

#include "signal_handler.h"
#include "signal_install.h"

#if defined(__x86_64__)

static char *guard;
static volatile long handled;

/* HotSpot's hook, as far as this program's faults go: a load from the guard page is the JVM's own,
 * handled by stepping over `mov (%rax),%eax` (8b 00). Anything else is not recognised. */
__attribute__((visibility("default"))) int JVM_handle_linux_signal(int sig, siginfo_t *info, void *ucontext,
                                                                   int abort_if_unrecognized) {
    if (sig != SIGSEGV || (char *)info->si_addr != guard) {
        if (abort_if_unrecognized) abort();
        return 0;
    }
    ((ucontext_t *)ucontext)->uc_mcontext.gregs[REG_RIP] += 2;
    handled++;
    return 1;
}

/* The JVM's own handler, as HotSpot installs it (javaSignalHandler calls JVM_HANDLE_XXX_SIGNAL). */
static void jvm_handler(int sig, siginfo_t *info, void *ucontext) {
    JVM_handle_linux_signal(sig, info, ucontext, 1);
}

static void fault_once(void) {
    __asm__ volatile(".byte 0x8b, 0x00" /* mov (%rax),%eax */ : : "a"(guard) : "memory");
}

static double nanos_per_fault(long faults) {
    struct timespec start, end;
    long before = handled;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < faults; i++) fault_once();
    clock_gettime(CLOCK_MONOTONIC, &end);
    if (handled - before != faults) {
        fprintf(stderr, "pass_through_bench: %ld of %ld faults came back handled\n", handled - before, faults);
        exit(1);
    }
    return ((end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec)) / faults;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    long faults = argc > 1 ? atol(argv[1]) : 200000;
    int rounds = argc > 2 ? atoi(argv[2]) : 9;
    if (faults <= 0 || rounds <= 0 || rounds > 1000) return 2;
    guard = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (guard == MAP_FAILED) return 2;
    /* Like a Java thread of an armed JVM: an alternate stack, which crash_handler (SA_ONSTACK) runs on. */
    stack_t altstack = { .ss_sp = malloc(256 * 1024), .ss_size = 256 * 1024, .ss_flags = 0 };
    if (altstack.ss_sp == NULL || sigaltstack(&altstack, NULL) != 0) return 2;

    struct sigaction jvm = { 0 };
    jvm.sa_sigaction = jvm_handler;
    jvm.sa_flags = SA_SIGINFO | SA_RESTART; /* HotSpot's flags for SIGSEGV: no SA_ONSTACK */
    sigemptyset(&jvm.sa_mask);
    struct sigaction armed;

    double bare[1000], through[1000];
    for (int round = 0; round < rounds; round++) {
        /* bare: HotSpot's handler alone */
        if (sigaction(SIGSEGV, &jvm, NULL) != 0) return 2;
        nanos_per_fault(faults / 10 + 1); /* warm */
        bare[round] = nanos_per_fault(faults);
        /* crashcap: crash_handler in front, installed once by the arming code itself, then swapped in */
        if (round == 0) {
            const char *failure = signal_handler_install();
            if (failure != NULL || sigaction(SIGSEGV, NULL, &armed) != 0) {
                fprintf(stderr, "pass_through_bench: %s\n", failure ? failure : "sigaction");
                return 2;
            }
            if (crash_chain.jvm_hook != JVM_handle_linux_signal) {
                fprintf(stderr, "pass_through_bench: crash_handler did not find JVM_handle_linux_signal\n");
                return 1;
            }
        } else if (sigaction(SIGSEGV, &armed, NULL) != 0) {
            return 2;
        }
        nanos_per_fault(faults / 10 + 1);
        through[round] = nanos_per_fault(faults);
    }
    qsort(bare, rounds, sizeof bare[0], compare_doubles);
    qsort(through, rounds, sizeof through[0], compare_doubles);
    printf("a SIGSEGV the JVM handles, %ld per round, %d rounds, ns per fault (median, min)\n", faults, rounds);
    printf("  %-42s %8.0f %8.0f\n", "HotSpot's handler alone", bare[rounds / 2], bare[0]);
    printf("  %-42s %8.0f %8.0f\n", "through crashcap's handler", through[rounds / 2], through[0]);
    printf("  %-42s %+8.0f %+8.0f\n", "added by crashcap", through[rounds / 2] - bare[rounds / 2], through[0] - bare[0]);
    return 0;
}

#else

int main(void) {
    printf("pass_through_bench: x86_64 only; skipped\n");
    return 0;
}

#endif
