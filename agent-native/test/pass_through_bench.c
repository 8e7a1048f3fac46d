/* What crashcap's handler costs a signal the JVM handles itself (an implicit null check, a safepoint
 * poll): the same fault taken many times, delivered straight to a stand-in for HotSpot's handler
 * ("bare", as without crashcap), and through crash_handler, which asks JVM_handle_linux_signal first
 * and returns when it says handled ("crashcap"). The stand-in is this program's own exported
 * JVM_handle_linux_signal: crash_handler finds it with dlsym, as it finds libjvm's. It handles a load
 * from a PROT_NONE page by stepping over the two-byte instruction, so the loop goes on.
 *
 *   pass_through_bench [faults per round] [rounds] [threads]
 * Each round times the same number of faults bare and through crashcap, back to back (the order
 * rotates from round to round), so both see the same machine: the round's difference is what the
 * handler added. A third side, the stand-in installed with crash_handler's flags and mask (SA_ONSTACK),
 * splits that into the kernel's part and crash_handler's own code. Time is each faulting thread's own CPU time (user + system), so a
 * round in which other processes took the CPU away costs no more than one that had it alone. Printed: ns per fault of each side and the per-round
 * difference, median and interquartile range over the rounds (robust to a loaded machine: a round hit
 * by another process lands in a tail, not in the median). The last line, "extra ns per signal", the
 * median and upper quartile of the per-round differences, is what bench/run.sh hands to PassThroughBench
 * for the overhead to expect. With threads > 1, that many
 * threads fault at the same time (each on its own alternate stack, as Java threads are), which shows
 * any shared state the pass-through path writes (a contended cache line).
 * Exits 1 only if a fault did not come back as handled, or if the JVM's handler, called through crashcap's, runs
 * with other signals blocked than alone: the chain is the thing under test (ctest runs it small); the timings are printed, never judged (shared noisy machines). x86_64 only (the
 * instruction stepped over is x86's). */
#include <pthread.h>
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

#define MAX_ROUNDS 10000
#define MAX_THREADS 16
#define ALTSTACK_BYTES (256 * 1024)

static char *guard;
static _Thread_local long handled;
/* Set for one fault before the timing: the stand-in then notes the signals blocked while it runs. */
static _Thread_local int note_mask;
static _Thread_local sigset_t noted_mask;

/* HotSpot's hook, as far as this program's faults go: a load from the guard page is the JVM's own,
 * handled by stepping over `mov (%rax),%eax` (8b 00). Anything else is not recognised. */
__attribute__((visibility("default"))) int JVM_handle_linux_signal(int sig, siginfo_t *info, void *ucontext,
                                                                   int abort_if_unrecognized) {
    if (sig != SIGSEGV || (char *)info->si_addr != guard) {
        if (abort_if_unrecognized) abort();
        return 0;
    }
    ((ucontext_t *)ucontext)->uc_mcontext.gregs[REG_RIP] += 2;
    if (note_mask) pthread_sigmask(SIG_BLOCK, NULL, &noted_mask);
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

/* This thread's CPU time (user + system: the kernel's half of a signal's round trip is the system part), not
 * the wall clock: time the thread spends descheduled by other processes does not count. */
static double thread_cpu_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

typedef struct {
    long faults;
    pthread_barrier_t *start;
    double ns_per_fault;
    int failed;
} worker;

/* One thread's share of a measurement: warm up, wait for the others, fault `faults` times. */
static void *fault_loop(void *arg) {
    worker *w = arg;
    stack_t altstack = { .ss_sp = malloc(ALTSTACK_BYTES), .ss_size = ALTSTACK_BYTES, .ss_flags = 0 };
    if (altstack.ss_sp == NULL || sigaltstack(&altstack, NULL) != 0) {
        w->failed = 1;
        return NULL;
    }
    for (long i = 0; i < w->faults / 10 + 1; i++) fault_once(); /* warm */
    pthread_barrier_wait(w->start);
    long before = handled;
    double start = thread_cpu_ns();
    for (long i = 0; i < w->faults; i++) fault_once();
    w->ns_per_fault = (thread_cpu_ns() - start) / w->faults;
    if (handled - before != w->faults) {
        fprintf(stderr, "pass_through_bench: %ld of %ld faults came back handled\n", handled - before, w->faults);
        w->failed = 1;
    }
    stack_t off = { .ss_flags = SS_DISABLE };
    sigaltstack(&off, NULL);
    free(altstack.ss_sp);
    return NULL;
}

/* ns per fault, the mean over `threads` threads faulting at the same time, with the SIGSEGV handler
 * `action`. */
static double nanos_per_fault(const struct sigaction *action, long faults, int threads) {
    if (sigaction(SIGSEGV, action, NULL) != 0) exit(2);
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)threads);
    pthread_t ids[MAX_THREADS];
    worker workers[MAX_THREADS];
    for (int t = 0; t < threads; t++) {
        workers[t] = (worker){ .faults = faults, .start = &start };
        if (pthread_create(&ids[t], NULL, fault_loop, &workers[t]) != 0) exit(2);
    }
    double sum = 0;
    int failed = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
        sum += workers[t].ns_per_fault;
        failed |= workers[t].failed;
    }
    pthread_barrier_destroy(&start);
    if (failed) exit(1);
    return sum / threads;
}

/* The signals blocked while the JVM's hook runs, with `action` installed for SIGSEGV, as a 64-bit set. */
static unsigned long long mask_in_jvm_hook(const struct sigaction *action) {
    if (sigaction(SIGSEGV, action, NULL) != 0) exit(2);
    note_mask = 1;
    fault_once();
    note_mask = 0;
    unsigned long long bits = 0;
    for (int n = 1; n <= 64; n++) {
        if (sigismember(&noted_mask, n) == 1) bits |= 1ull << (n - 1);
    }
    return bits;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts values and returns the quantile q (0..1), linearly interpolated. */
static double quantile(double *values, int n, double q) {
    qsort(values, (size_t)n, sizeof values[0], compare_doubles);
    double position = q * (n - 1);
    int below = (int)position;
    if (below + 1 >= n) return values[n - 1];
    return values[below] + (position - below) * (values[below + 1] - values[below]);
}

static void print_row(const char *label, double *values, int n, const char *sign) {
    double q1 = quantile(values, n, 0.25), median = quantile(values, n, 0.5), q3 = quantile(values, n, 0.75);
    char format[96];
    snprintf(format, sizeof format, "  %%-40s %%%s8.1f   %%%s8.1f .. %%%s.1f\n", sign, sign, sign);
    printf(format, label, median, q1, q3);
}

static double bare[MAX_ROUNDS], onstack[MAX_ROUNDS], through[MAX_ROUNDS], added[MAX_ROUNDS], stack_part[MAX_ROUNDS],
    code_part[MAX_ROUNDS];

int main(int argc, char **argv) {
    long faults = argc > 1 ? atol(argv[1]) : 50000;
    int rounds = argc > 2 ? atoi(argv[2]) : 41;
    int threads = argc > 3 ? atoi(argv[3]) : 1;
    if (faults <= 0 || rounds <= 0 || rounds > MAX_ROUNDS || threads <= 0 || threads > MAX_THREADS) return 2;
    guard = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (guard == MAP_FAILED) return 2;

    struct sigaction jvm = { 0 };
    jvm.sa_sigaction = jvm_handler;
    /* HotSpot's flags and mask for SIGSEGV (signals_posix.cpp): no SA_ONSTACK, every signal blocked during
     * the handler but the synchronous error signals. */
    jvm.sa_flags = SA_SIGINFO | SA_RESTART;
    sigfillset(&jvm.sa_mask);
    const int error_signals[] = { SIGILL, SIGBUS, SIGFPE, SIGSEGV, SIGTRAP };
    for (size_t i = 0; i < sizeof error_signals / sizeof error_signals[0]; i++) sigdelset(&jvm.sa_mask, error_signals[i]);
    if (sigaction(SIGSEGV, &jvm, NULL) != 0) return 2;
    /* crash_handler in front, installed by the arming code itself (it saves the stand-in as the
     * handler before), then swapped in and out. */
    struct sigaction armed;
    const char *failure = signal_handler_install();
    if (failure != NULL || sigaction(SIGSEGV, NULL, &armed) != 0) {
        fprintf(stderr, "pass_through_bench: %s\n", failure ? failure : "sigaction");
        return 2;
    }
    if (crash_chain.jvm_hook != JVM_handle_linux_signal) {
        fprintf(stderr, "pass_through_bench: crash_handler did not find JVM_handle_linux_signal\n");
        return 1;
    }

    /* crash_handler calls the JVM's handler from inside itself: that must run with the signals blocked that it has
     * alone (the kernel applies crash_handler's mask, copied from the handler before it, signal_install.c). */
    unsigned long long alone = mask_in_jvm_hook(&jvm), through_crashcap = mask_in_jvm_hook(&armed);
    if (alone != through_crashcap) {
        fprintf(stderr, "pass_through_bench: the JVM's handler runs with blocked signals %llx through crashcap, %llx alone\n",
                through_crashcap, alone);
        return 1;
    }

    /* The same stand-in, installed with crash_handler's flags and mask: it splits what crashcap adds into the
     * kernel's part (SA_ONSTACK: the frame goes on the alternate stack) and crash_handler's own code. */
    struct sigaction jvm_onstack = armed;
    jvm_onstack.sa_sigaction = jvm_handler;
    const struct sigaction *sides[3] = { &jvm, &jvm_onstack, &armed };
    double *results[3] = { bare, onstack, through };
    for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < 3; i++) { /* the order rotates from round to round */
            int side = (round + i) % 3;
            results[side][round] = nanos_per_fault(sides[side], faults, threads);
        }
        added[round] = through[round] - bare[round];
        stack_part[round] = onstack[round] - bare[round];
        code_part[round] = through[round] - onstack[round];
    }
    printf("a SIGSEGV the JVM handles: %d rounds of %ld faults per side on %d thread%s, ns per fault\n", rounds, faults,
           threads, threads == 1 ? "" : "s at once");
    printf("  %-40s %8s   %s\n", "", "median", "interquartile range");
    print_row("HotSpot's handler alone", bare, rounds, "");
    print_row("the same with crashcap's flags", onstack, rounds, "");
    print_row("through crashcap's handler", through, rounds, "");
    print_row("added by crashcap (per round)", added, rounds, "+");
    print_row("  of which the kernel (flags and mask)", stack_part, rounds, "+");
    print_row("  of which crash_handler's code", code_part, rounds, "+");
    printf("extra ns per signal (median, upper quartile): %.1f %.1f\n", quantile(added, rounds, 0.5),
           quantile(added, rounds, 0.75));
    return 0;
}

#else

int main(void) {
    printf("pass_through_bench: x86_64 only; skipped\n");
    return 0;
}

#endif
