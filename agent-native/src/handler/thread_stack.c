#include "thread_stack.h"

#include "clock.h"
#include "java_thread_state.h"
#include "java_thread_status.h"
#include "proc.h"
#include "sys.h"
#include "thread_hold.h"

#define MAX_THREADS 65536
/* After closing a request, how long the owner waits for threads still inside their handlers. */
#define CLOSE_WAIT_NS (200LL * 1000000)

/* The request a capture publishes for the threads it signals. Every thread, the ones that crash while
 * the capture runs included, writes only into its own slot of it. */
static struct {
    thread_stack *items;
    int count;
    const unwind_context *context;
} request;
static atomic_int request_open;
/* Threads between "the request is open" and their last write into it: the owner closes the request,
 * then waits for this to drop to zero before it reads (or unmaps) the slots. Both sides use seq_cst
 * atomics: a thread either sees the request closed, or is counted before the owner looks. */
static atomic_int inside;

/* Slots a live snapshot could not give back because a thread was still inside: freed later. */
static struct {
    thread_stack *items;
    size_t bytes;
} kept;

static void keep_frame(void *arg, const stack_frame *frame) {
    thread_stack *stack = arg;
    if (stack->frame_count < STACK_FRAMES) stack->frames[stack->frame_count++] = *frame;
}

void thread_stack_take(thread_stack *stack, const unwind_context *context, void *ucontext) {
    stack->sp = 0;
    stack->frame_count = 0;
    stack->native_stop = "fault";
    stack->java_status = 0;
    stack->java_unplaced = 0;
    stack->hotspot_state = -1;
    stack->thread_status = -1;
    stack->vthread_mounted = 0;
    /* Registers and stack bytes first, under their own use of the guard (a fault there loses only them). */
    stack_memory_take(&stack->memory, context->map, ucontext, stack->guard, &stack->guard_active);
    java_frame java[STACK_JAVA_FRAMES];
    volatile int java_count = 0;
    /* AsyncGetCallTrace next (the walk places its frames); a fault inside it costs only the Java names. */
    if (sigsetjmp(stack->guard, 1) == 0) {
        stack->guard_active = 1;
        stack->hotspot_state = java_thread_state_own(context->map); /* as the signal found it */
        stack->thread_status = java_thread_status_own(context->map);
        stack->vthread_mounted = virtual_thread_own(context->map, &stack->vthread);
        int taken = java_frames_take(ucontext, java, STACK_JAVA_FRAMES);
        stack->java_status = taken;
        java_count = taken > 0 ? taken : 0;
    }
    stack->guard_active = 0;
    if (sigsetjmp(stack->guard, 1) != 0) {
        stack->native_stop = "fault";
        return;
    }
    stack->guard_active = 1;
    unwind_regs regs;
    arch_regs_from_ucontext(ucontext, &regs);
    stack->sp = regs.sp;
    stack_walk walk = { .java = java, .java_count = java_count, .max_frames = STACK_FRAMES, .emit = keep_frame,
                        .arg = stack };
    stack_walk_take(&walk, context, ucontext);
    stack->native_stop = walk.stop;
    stack->java_unplaced = walk.java_unplaced;
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

/* The calling thread's slot in the open request, counted as inside; NULL (and not counted) when no
 * request is open or the thread has no slot. Every non-NULL result is paired with leave_request. */
static thread_stack *enter_request(int *open) {
    atomic_fetch_add(&inside, 1);
    *open = atomic_load(&request_open);
    thread_stack *stack = *open ? find_in(request.items, request.count, current_tid()) : NULL;
    if (stack == NULL) atomic_fetch_sub(&inside, 1);
    return stack;
}

static void leave_request(void) {
    atomic_fetch_sub(&inside, 1);
}

int thread_stack_record_crash(int sig, siginfo_t *info, void *ucontext) {
    int open;
    thread_stack *stack = enter_request(&open);
    if (stack == NULL) return open ? -1 : 0;
    int expected = STACK_REQUESTED;
    if (!atomic_compare_exchange_strong(&stack->state, &expected, STACK_TAKING)) {
        leave_request();
        return -1;
    }
    stack->crashed = 1;
    stack->signal = sig;
    stack->signal_code = info->si_code;
    stack->signal_address = (uintptr_t)info->si_addr;
    thread_stack_take(stack, request.context, ucontext);
    atomic_store(&stack->state, STACK_DONE);
    leave_request();
    return 1;
}

void thread_stack_recover_from_nested_fault(int sig) {
    int open;
    thread_stack *stack = enter_request(&open);
    if (stack == NULL) return;
    int active = stack->guard_active;
    leave_request(); /* the thread_stack_take we jump back into is still counted by its own caller */
    if (active) {
        stack->guard_active = 0;
        siglongjmp(stack->guard, sig);
    }
}

int thread_stack_answer_request(void *ucontext) {
    int open;
    thread_stack *stack = enter_request(&open);
    if (stack == NULL) return 0;
    /* Taken already: this thread crashed during the capture and recorded its own crash site. */
    int expected = STACK_REQUESTED;
    if (atomic_compare_exchange_strong(&stack->state, &expected, STACK_TAKING)) {
        thread_stack_take(stack, request.context, ucontext);
        atomic_store(&stack->state, STACK_DONE);
    }
    leave_request();
    return 1;
}

/* Gives back slots kept by an earlier live snapshot, once nobody is inside any more. */
static void release_kept(void) {
    if (kept.items != NULL && atomic_load(&inside) == 0) {
        stack_memory_unmap(&kept.items[0].memory, sizeof(thread_stack), (int)(kept.bytes / sizeof(thread_stack)));
        sys_munmap(kept.items, kept.bytes);
        kept.items = NULL;
    }
}

/* How often (in rounds of 200 us) the owner looks for threads that ended while it waited: every 20 ms. */
#define EXIT_CHECK_ROUNDS 100

/* A thread listed in /proc/self/task can end before it handles the signal (a pending signal dies with it;
 * compiler threads and pool threads end at any time, more often on a busy machine where the capture is slow).
 * Waiting for it would cost the whole deadline and call it deaf ("signals blocked"). tgkill with signal 0
 * says ESRCH once no thread of this process has that tid. Its tid could be reused by a new thread of this
 * process within the deadline only after pid_max others were created: then it is waited for as before. */
static void mark_if_exited(thread_stack *item) {
    if (atomic_load(&item->state) != STACK_REQUESTED) return;
    if (sys_tgkill(item->tid, 0) == 0 || errno != ESRCH) return;
    int expected = STACK_REQUESTED; /* it cannot answer any more, but never overwrite an answer */
    atomic_compare_exchange_strong(&item->state, &expected, STACK_EXITED);
}

int thread_stack_collect_all(const unwind_context *context, int self_tid, int service_signal,
                         int64_t deadline_ns, thread_stack_set *out) {
    out->items = NULL;
    out->count = 0;
    out->answered = 0;
    release_kept();
    /* mmap is not on POSIX's async-signal-safe list, but on Linux it is a plain system call with no
     * lock in user space; the alternative, reserving stacks for 65,536 threads up front, would cost
     * far more address space for nothing. */
    int *tids = sys_mmap_anonymous(MAX_THREADS * sizeof(int), 0);
    if (tids == NULL) return -1;
    int count = proc_task_list(tids, MAX_THREADS);
    thread_stack *items = count > 0 ? sys_mmap_anonymous((size_t)count * sizeof(thread_stack), 0) : NULL;
    if (items == NULL) {
        sys_munmap(tids, MAX_THREADS * sizeof(int));
        return -1;
    }
    for (int i = 0; i < count; i++) {
        items[i].tid = tids[i];
        atomic_store(&items[i].state, tids[i] == self_tid ? STACK_DONE : STACK_REQUESTED);
    }
    stack_memory_assign(&items[0].memory, sizeof(thread_stack), count);
    request.items = items;
    request.count = count;
    request.context = context;
    atomic_store(&request_open, 1);
    thread_hold_nudge(); /* threads held since an earlier signal answer from where they are held */
    for (int i = 0; i < count; i++) {
        if (tids[i] != self_tid) sys_tgkill(tids[i], service_signal);
    }
    sys_munmap(tids, MAX_THREADS * sizeof(int));
    /* A thread that crashes meanwhile records itself in its slot: it is done like one that answered. */
    int pending = count - 1;
    for (int round = 1; pending > 0 && monotonic_ns() < deadline_ns; round++) {
        pause_micros(200);
        pending = 0;
        for (int i = 0; i < count; i++) {
            if (round % EXIT_CHECK_ROUNDS == 0) mark_if_exited(&items[i]);
            int state = atomic_load(&items[i].state);
            if (state != STACK_DONE && state != STACK_EXITED) pending++;
        }
    }
    for (int i = 0; pending > 0 && i < count; i++) mark_if_exited(&items[i]); /* ended in the last round */
    /* Late answers would write into memory we are about to read: close the request, then wait for the
     * threads that had entered it already. */
    atomic_store(&request_open, 0);
    int64_t close_deadline = monotonic_ns() + CLOSE_WAIT_NS;
    while (atomic_load(&inside) > 0 && monotonic_ns() < close_deadline) pause_micros(200);
    int answered = 0;
    for (int i = 0; i < count; i++) {
        if (atomic_load(&items[i].state) == STACK_DONE && items[i].tid != self_tid) answered++;
    }
    out->items = items;
    out->count = count;
    out->answered = answered;
    return 0;
}

void thread_stack_release(thread_stack_set *set) {
    if (set->items != NULL) {
        size_t bytes = (size_t)set->count * sizeof(thread_stack);
        if (atomic_load(&inside) == 0) {
            stack_memory_unmap(&set->items[0].memory, sizeof(thread_stack), set->count);
            sys_munmap(set->items, bytes);
        } else if (kept.items == NULL) {
            kept.items = set->items;
            kept.bytes = bytes;
        }
        /* else: a second set kept while the first still is, which needs a thread stuck in our handler
         * across two dumps; it stays mapped (a leak, never a fault). */
    }
    set->items = NULL;
    set->count = 0;
    set->answered = 0;
}
