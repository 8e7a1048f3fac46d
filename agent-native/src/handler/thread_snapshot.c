#include "thread_snapshot.h"

#include "clock.h"
#include "proc.h"
#include "sys.h"

#define MAX_THREADS 65536
#define ALSO_CRASHED_MAX 8

/* The request a capture publishes for the threads it signals. */
static struct {
    thread_snapshot *items;
    int count;
    const unwind_context *context;
} request;
static atomic_int request_open;

static thread_snapshot also_crashed[ALSO_CRASHED_MAX];
static atomic_int also_crashed_count;

void snapshot_take(thread_snapshot *snapshot, const unwind_context *context, void *ucontext) {
    unwind_regs regs;
    arch_regs_from_ucontext(ucontext, &regs);
    snapshot->sp = regs.sp;
    snapshot->native_count = 0;
    snapshot->native_stop = "max-frames";
    snapshot->exact_pcs = 0;
    snapshot->java_count = 0;
    if (sigsetjmp(snapshot->guard, 1) != 0) {
        snapshot->native_stop = "fault";
        return;
    }
    snapshot->guard_active = 1;
    for (int depth = 0; depth < SNAPSHOT_NATIVE_FRAMES; depth++) {
        snapshot->native_pcs[depth] = regs.pc;
        if (depth < 64 && regs.pc_exact) snapshot->exact_pcs |= 1ull << depth;
        snapshot->native_count = depth + 1;
        unwind_status status = unwind_step(context, &regs, depth == 0);
        if (status != UNWIND_OK) {
            snapshot->native_stop = unwind_status_name(status);
            break;
        }
    }
    int java = java_frames_take(ucontext, snapshot->java, SNAPSHOT_JAVA_FRAMES);
    snapshot->java_count = java > 0 ? java : 0;
    snapshot->java_status = java;
    snapshot->guard_active = 0;
}

static thread_snapshot *find_in(thread_snapshot *items, int count, int tid) {
    int low = 0, high = count - 1;
    while (low <= high) {
        int middle = (low + high) / 2;
        if (items[middle].tid == tid) return &items[middle];
        if (items[middle].tid < tid) low = middle + 1;
        else high = middle - 1;
    }
    return NULL;
}

const thread_snapshot *snapshot_also_crashed(int tid) {
    int count = atomic_load(&also_crashed_count);
    for (int i = 0; i < count && i < ALSO_CRASHED_MAX; i++) {
        if (also_crashed[i].tid == tid && atomic_load(&also_crashed[i].state) == SNAPSHOT_DONE) return &also_crashed[i];
    }
    return NULL;
}

static thread_snapshot *own_also_crashed(int tid) {
    int count = atomic_load(&also_crashed_count);
    for (int i = 0; i < count && i < ALSO_CRASHED_MAX; i++) {
        if (also_crashed[i].tid == tid) return &also_crashed[i];
    }
    return NULL;
}

int snapshot_record_also_crashed(int sig, siginfo_t *info, void *ucontext, const unwind_context *context) {
    int index = atomic_fetch_add(&also_crashed_count, 1);
    if (index >= ALSO_CRASHED_MAX) return 0;
    thread_snapshot *snapshot = &also_crashed[index];
    snapshot->tid = current_tid();
    snapshot->crashed = 1;
    snapshot->signal = sig;
    snapshot->signal_code = info->si_code;
    snapshot->signal_address = (uintptr_t)info->si_addr;
    atomic_store(&snapshot->state, SNAPSHOT_TAKING);
    snapshot_take(snapshot, context, ucontext);
    atomic_store(&snapshot->state, SNAPSHOT_DONE);
    return 1;
}

void snapshot_recover_from_nested_fault(int sig) {
    int tid = current_tid();
    thread_snapshot *snapshot = NULL;
    if (atomic_load(&request_open)) snapshot = find_in(request.items, request.count, tid);
    if (snapshot == NULL || !snapshot->guard_active) snapshot = own_also_crashed(tid);
    if (snapshot != NULL && snapshot->guard_active) {
        snapshot->guard_active = 0;
        siglongjmp(snapshot->guard, sig);
    }
}

int snapshot_answer_request(void *ucontext) {
    if (!atomic_load(&request_open)) return 0;
    int tid = current_tid();
    /* A thread that crashed during the capture is waiting in its crash handler: its stack was
     * recorded from its own crash site already. */
    if (own_also_crashed(tid) != NULL) return 1;
    thread_snapshot *snapshot = find_in(request.items, request.count, tid);
    if (snapshot == NULL) return 0;
    int expected = SNAPSHOT_REQUESTED;
    if (!atomic_compare_exchange_strong(&snapshot->state, &expected, SNAPSHOT_TAKING)) return 1;
    snapshot_take(snapshot, request.context, ucontext);
    atomic_store(&snapshot->state, SNAPSHOT_DONE);
    return 1;
}

int snapshot_collect_all(const unwind_context *context, int self_tid, int service_signal,
                         int64_t deadline_ns, snapshot_set *out) {
    out->items = NULL;
    out->count = 0;
    out->answered = 0;
    /* mmap is not on POSIX's async-signal-safe list, but on Linux it is a plain system call with no
     * lock in user space; the alternative, reserving snapshots for 65,536 threads up front, would cost
     * far more address space for nothing. */
    int *tids = sys_mmap_anonymous(MAX_THREADS * sizeof(int), 0);
    if (tids == NULL) return -1;
    int count = proc_task_list(tids, MAX_THREADS);
    if (count <= 0) return -1;
    thread_snapshot *items = sys_mmap_anonymous((size_t)count * sizeof(thread_snapshot), 0);
    if (items == NULL) return -1;
    for (int i = 0; i < count; i++) {
        items[i].tid = tids[i];
        atomic_store(&items[i].state, tids[i] == self_tid ? SNAPSHOT_DONE : SNAPSHOT_REQUESTED);
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
            if (state != SNAPSHOT_DONE && own_also_crashed(items[i].tid) == NULL) pending++;
        }
    }
    /* Late answers would write into memory we are reading: close the request first. */
    atomic_store(&request_open, 0);
    int answered = 0;
    for (int i = 0; i < count; i++) {
        if (atomic_load(&items[i].state) == SNAPSHOT_DONE && items[i].tid != self_tid) answered++;
    }
    sys_munmap(tids, MAX_THREADS * sizeof(int));
    out->items = items;
    out->count = count;
    out->answered = answered;
    return 0;
}
