#include "thread_stack.h"

#include "clock.h"
#include "proc.h"
#include "sys.h"

#define MAX_THREADS 65536
#define ALSO_CRASHED_MAX 8

/* The request a capture publishes for the threads it signals. */
static struct {
    thread_stack *items;
    int count;
    const unwind_context *context;
} request;
static atomic_int request_open;

static thread_stack also_crashed[ALSO_CRASHED_MAX];
static atomic_int also_crashed_count;

void thread_stack_take(thread_stack *stack, const unwind_context *context, void *ucontext) {
    unwind_regs regs;
    arch_regs_from_ucontext(ucontext, &regs);
    stack->sp = regs.sp;
    stack->native_count = 0;
    stack->native_stop = "max-frames";
    for (size_t i = 0; i < sizeof stack->exact_pcs / sizeof stack->exact_pcs[0]; i++) stack->exact_pcs[i] = 0;
    stack->java_count = 0;
    if (sigsetjmp(stack->guard, 1) != 0) {
        stack->native_stop = "fault";
        return;
    }
    stack->guard_active = 1;
    for (int depth = 0; depth < STACK_NATIVE_FRAMES; depth++) {
        stack->native_pcs[depth] = regs.pc;
        if (regs.pc_exact) stack->exact_pcs[depth / 64] |= 1ull << (depth % 64);
        stack->native_count = depth + 1;
        unwind_status status = unwind_step(context, &regs, depth == 0);
        if (status != UNWIND_OK) {
            stack->native_stop = unwind_status_name(status);
            break;
        }
    }
    int java = java_frames_take(ucontext, stack->java, STACK_JAVA_FRAMES);
    stack->java_count = java > 0 ? java : 0;
    stack->java_status = java;
    stack->guard_active = 0;
}

static thread_stack *find_in(thread_stack *items, int count, int tid) {
    int low = 0, high = count - 1;
    while (low <= high) {
        int middle = (low + high) / 2;
        if (items[middle].tid == tid) return &items[middle];
        if (items[middle].tid < tid) low = middle + 1;
        else high = middle - 1;
    }
    return NULL;
}

const thread_stack *thread_stack_also_crashed(int tid) {
    int count = atomic_load(&also_crashed_count);
    for (int i = 0; i < count && i < ALSO_CRASHED_MAX; i++) {
        if (also_crashed[i].tid == tid && atomic_load(&also_crashed[i].state) == STACK_DONE) return &also_crashed[i];
    }
    return NULL;
}

static thread_stack *own_also_crashed(int tid) {
    int count = atomic_load(&also_crashed_count);
    for (int i = 0; i < count && i < ALSO_CRASHED_MAX; i++) {
        if (also_crashed[i].tid == tid) return &also_crashed[i];
    }
    return NULL;
}

int thread_stack_record_also_crashed(int sig, siginfo_t *info, void *ucontext, const unwind_context *context) {
    int index = atomic_fetch_add(&also_crashed_count, 1);
    if (index >= ALSO_CRASHED_MAX) return 0;
    thread_stack *stack = &also_crashed[index];
    stack->tid = current_tid();
    stack->crashed = 1;
    stack->signal = sig;
    stack->signal_code = info->si_code;
    stack->signal_address = (uintptr_t)info->si_addr;
    atomic_store(&stack->state, STACK_TAKING);
    thread_stack_take(stack, context, ucontext);
    atomic_store(&stack->state, STACK_DONE);
    return 1;
}

void thread_stack_recover_from_nested_fault(int sig) {
    int tid = current_tid();
    thread_stack *stack = NULL;
    if (atomic_load(&request_open)) stack = find_in(request.items, request.count, tid);
    if (stack == NULL || !stack->guard_active) stack = own_also_crashed(tid);
    if (stack != NULL && stack->guard_active) {
        stack->guard_active = 0;
        siglongjmp(stack->guard, sig);
    }
}

int thread_stack_answer_request(void *ucontext) {
    if (!atomic_load(&request_open)) return 0;
    int tid = current_tid();
    /* A thread that crashed during the capture is waiting in its crash handler: its stack was
     * recorded from its own crash site already. */
    if (own_also_crashed(tid) != NULL) return 1;
    thread_stack *stack = find_in(request.items, request.count, tid);
    if (stack == NULL) return 0;
    int expected = STACK_REQUESTED;
    if (!atomic_compare_exchange_strong(&stack->state, &expected, STACK_TAKING)) return 1;
    thread_stack_take(stack, request.context, ucontext);
    atomic_store(&stack->state, STACK_DONE);
    return 1;
}

int thread_stack_collect_all(const unwind_context *context, int self_tid, int service_signal,
                         int64_t deadline_ns, thread_stack_set *out) {
    out->items = NULL;
    out->count = 0;
    out->answered = 0;
    /* mmap is not on POSIX's async-signal-safe list, but on Linux it is a plain system call with no
     * lock in user space; the alternative, reserving stacks for 65,536 threads up front, would cost
     * far more address space for nothing. */
    int *tids = sys_mmap_anonymous(MAX_THREADS * sizeof(int), 0);
    if (tids == NULL) return -1;
    int count = proc_task_list(tids, MAX_THREADS);
    if (count <= 0) return -1;
    thread_stack *items = sys_mmap_anonymous((size_t)count * sizeof(thread_stack), 0);
    if (items == NULL) return -1;
    for (int i = 0; i < count; i++) {
        items[i].tid = tids[i];
        atomic_store(&items[i].state, tids[i] == self_tid ? STACK_DONE : STACK_REQUESTED);
    }
    request.items = items;
    request.count = count;
    request.context = context;
    atomic_store(&request_open, 1);
    for (int i = 0; i < count; i++) {
        if (tids[i] != self_tid) sys_tgkill(tids[i], service_signal);
    }
    int pending = count - 1;
    while (pending > 0 && monotonic_ns() < deadline_ns) {
        pause_micros(200);
        pending = 0;
        for (int i = 0; i < count; i++) {
            int state = atomic_load(&items[i].state);
            if (state != STACK_DONE && own_also_crashed(items[i].tid) == NULL) pending++;
        }
    }
    /* Late answers would write into memory we are reading: close the request first. */
    atomic_store(&request_open, 0);
    int answered = 0;
    for (int i = 0; i < count; i++) {
        if (atomic_load(&items[i].state) == STACK_DONE && items[i].tid != self_tid) answered++;
    }
    sys_munmap(tids, MAX_THREADS * sizeof(int));
    out->items = items;
    out->count = count;
    out->answered = answered;
    return 0;
}
