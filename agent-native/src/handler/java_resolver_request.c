/* The capture's side of the resolver: hands it a request and waits, with a deadline. The resolver
 * thread itself is arming/java_resolver.c. */
#include "java_resolver.h"

#include "clock.h"
#include "sys.h"

resolver_channel_t resolver_channel = { .wake_pipe = { -1, -1 }, .done_pipe = { -1, -1 } };

int java_resolver_await_method_ids(int64_t deadline_ns) {
    while (!atomic_load(&resolver_channel.method_ids_ready) && !atomic_load(&resolver_channel.vm_dead) &&
           monotonic_ns() < deadline_ns) {
        pause_micros(1000);
    }
    return atomic_load(&resolver_channel.method_ids_ready);
}

/* The answers that are ready, from the job into the capture's items. */
static void copy_answers(resolve_job *job, resolved_frame *const *frames, resolved_thread *threads) {
    for (int i = 0; i < job->frame_count; i++) {
        const resolved_frame *answer = &job->frames[i];
        if (!atomic_load(&answer->ready) || atomic_load(&frames[i]->ready)) continue;
        frames[i]->class_name = answer->class_name;
        frames[i]->method_name = answer->method_name;
        frames[i]->line = answer->line;
        frames[i]->source_file = answer->source_file;
        atomic_store(&frames[i]->ready, 1);
    }
    for (int i = 0; i < job->thread_count; i++) {
        const resolved_thread *answer = &job->threads[i];
        if (!atomic_load(&answer->ready) || atomic_load(&threads[i].ready)) continue;
        threads[i].state = answer->state;
        threads[i].java_name = answer->java_name;
        atomic_store(&threads[i].ready, 1);
    }
}

static resolve_job *new_job(resolved_frame *const *frames, int frame_count, resolved_thread *threads, int thread_count,
                            int live) {
    size_t bytes = sizeof(resolve_job) + (size_t)frame_count * sizeof(resolved_frame) +
                   (size_t)thread_count * sizeof(resolved_thread);
    resolve_job *job = sys_mmap_anonymous(bytes, 0);
    if (job == NULL) return NULL;
    job->bytes = bytes;
    job->live = live;
    job->frame_count = frame_count;
    job->thread_count = thread_count;
    job->frames = (resolved_frame *)(job + 1);
    job->threads = (resolved_thread *)(job->frames + frame_count);
    for (int i = 0; i < frame_count; i++) job->frames[i].frame = frames[i]->frame;
    for (int i = 0; i < thread_count; i++) job->threads[i].tid = threads[i].tid;
    atomic_store(&job->state, JOB_RUNNING);
    return job;
}

const char *java_resolver_resolve(resolved_frame *const *frames, int frame_count, resolved_thread *threads,
                                  int thread_count, int64_t deadline_ns, int live) {
    if (resolver_channel.wake_pipe[1] < 0) return RESOLVER_UNAVAILABLE;
    /* A forked child (fork() in JNI code, crashing before exec): the resolver thread is in the parent, the
     * pipes lead to it. No names from it, rather than disturb the parent (java_resolver.h). */
    if (resolver_channel.owner_pid != (int)sys_getpid()) return RESOLVER_FORKED_CHILD;
    /* The JVM is exiting (a crash in an atexit handler after System.exit, or in native code still running then):
     * the resolver would never answer, and waiting for it cost every such crash the whole deadline (1 s). */
    if (atomic_load(&resolver_channel.vm_dead)) return RESOLVER_VM_DEATH;
    /* Still at work on a job an earlier capture gave up on (its JVM could not answer in time)? Wait
     * for it within our own deadline: one job at a time. */
    while (atomic_load(&resolver_channel.busy)) {
        if (monotonic_ns() >= deadline_ns) return RESOLVER_DEADLINE;
        pause_micros(1000);
    }
    resolve_job *job = new_job(frames, frame_count, threads, thread_count, live);
    if (job == NULL) return RESOLVER_UNAVAILABLE;
    atomic_store(&resolver_channel.job, job);
    atomic_store(&resolver_channel.busy, 1);
    if (sys_write(resolver_channel.wake_pipe[1], "x", 1) != 1) {
        atomic_store(&resolver_channel.busy, 0);
        sys_munmap(job, job->bytes);
        return RESOLVER_UNAVAILABLE;
    }
    /* The done pipe only says "look": a byte left from a job given up earlier is read and ignored. */
    while (atomic_load(&job->state) != JOB_DONE) {
        int64_t left_ms = (deadline_ns - monotonic_ns()) / 1000000;
        if (left_ms <= 0) break;
        struct pollfd done = { resolver_channel.done_pipe[0], POLLIN, 0 };
        int ready = sys_poll(&done, 1, (int)left_ms);
        if (ready > 0) {
            char byte;
            (void)!sys_read(resolver_channel.done_pipe[0], &byte, 1);
        } else if (ready < 0 && errno != EINTR) {
            break;
        }
    }
    copy_answers(job, frames, threads);
    int expected = JOB_RUNNING;
    if (atomic_compare_exchange_strong(&job->state, &expected, JOB_ABANDONED)) return RESOLVER_DEADLINE; /* it unmaps it */
    copy_answers(job, frames, threads); /* done after all, just now */
    sys_munmap(job, job->bytes);
    return RESOLVER_OK;
}
