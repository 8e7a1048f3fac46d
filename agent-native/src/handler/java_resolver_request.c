/* The capture's side of the resolver: hands it a request and waits, with a deadline. The resolver
 * thread itself is arming/java_resolver.c. */
#include "java_resolver.h"

#include "clock.h"
#include "sys.h"

resolver_channel_t resolver_channel = { .wake_pipe = { -1, -1 }, .done_pipe = { -1, -1 } };

int java_resolver_await_method_ids(int64_t deadline_ns) {
    while (!atomic_load(&resolver_channel.method_ids_ready) && monotonic_ns() < deadline_ns) pause_micros(1000);
    return atomic_load(&resolver_channel.method_ids_ready);
}

int java_resolver_resolve(resolved_frame *const *frames, int frame_count, resolved_thread *threads,
                          int thread_count, int64_t deadline_ns) {
    if (resolver_channel.wake_pipe[1] < 0) return 0;
    resolver_channel.frames = frames;
    resolver_channel.frame_count = frame_count;
    resolver_channel.threads = threads;
    resolver_channel.thread_count = thread_count;
    if (sys_write(resolver_channel.wake_pipe[1], "x", 1) != 1) return 0;
    for (;;) {
        int64_t left_ms = (deadline_ns - monotonic_ns()) / 1000000;
        if (left_ms <= 0) return 0;
        struct pollfd done = { resolver_channel.done_pipe[0], POLLIN, 0 };
        int ready = sys_poll(&done, 1, (int)left_ms);
        if (ready > 0) {
            char byte;
            return sys_read(resolver_channel.done_pipe[0], &byte, 1) == 1;
        }
        if (ready < 0 && errno != EINTR) return 0;
    }
}
