#include "capture.h"

#include <limits.h>
#include <setjmp.h>
#include <stdatomic.h>

#include "arch.h"
#include "bundle_name.h"
#include "bundle_writer.h"
#include "capture_prepared.h"
#include "clock.h"
#include "crash_memory.h"
#include "cxx_exception.h"
#include "elf_image.h"
#include "fd_reserve.h"
#include "host_context.h"
#include "java_frames.h"
#include "java_resolver.h"
#include "java_thread_state.h"
#include "java_thread_status.h"
#include "library_loads.h"
#include "memory_map.h"
#include "service_signal.h"
#include "signal_names.h"
#include "stack_memory.h"
#include "stack_memory_file.h"
#include "sys.h"
#include "thread_sections.h"
#include "thread_stack.h"
#include "unwind.h"
#include "virtual_thread.h"
#include "vm_context.h"

/* Other threads get this long to answer; the resolver this long to name Java frames. */
#define THREADS_DEADLINE_NS (500LL * 1000000)
#define RESOLVE_DEADLINE_NS (1000LL * 1000000)
#define SNAPSHOT_DEADLINE_NS (10LL * 1000000000)

capture_prepared prepared;

/* The capture's own writer, bundle path and fault guard: used by one thread at a time (the capture
 * owner, chosen by the signal handler), so plain statics. */
static bundle_writer writer;
static char bundle_dir[PATH_MAX];
static sigjmp_buf guard;
static volatile sig_atomic_t guard_active;
static volatile int guard_owner_tid;

/* ---- the fault guard ---------------------------------------------------------------------- */

void capture_recover_from_nested_fault(int sig) {
    if (guard_active && guard_owner_tid == current_tid()) {
        guard_active = 0;
        siglongjmp(guard, sig);
    }
}

/* A record cut in the middle by a fault would read as garbage: take it back out of the buffer. */
static void drop_partial_record(void) {
    while (writer.used > 0 && writer.buffer[writer.used - 1] != '\n') writer.used--;
    if (writer.used == 0) bw_bytes(&writer, "\n", 1);
}

typedef void (*capture_step)(void *arg);

/* Runs one step of the capture; a fault inside it (SIGSEGV on memory that vanished, say) comes back
 * here through capture_recover_from_nested_fault, is recorded, and the capture goes on. */
static void run_guarded(const char *what, capture_step step, void *arg) {
    int fault = sigsetjmp(guard, 1);
    if (fault == 0) {
        guard_owner_tid = current_tid();
        guard_active = 1;
        step(arg);
        guard_active = 0;
        return;
    }
    drop_partial_record();
    bw_text(&writer, "capture.fault\t");
    bw_text(&writer, what);
    bw_text(&writer, "\t");
    bw_text(&writer, signal_name(fault));
    bw_text(&writer, "\n");
}

/* ---- the bundle folder and file ----------------------------------------------------------- */

static int open_bundle_file(const char *folder, const char *prefix, int64_t now_ms) {
    size_t n = copy_text(bundle_dir, sizeof bundle_dir, folder);
    n += copy_text(bundle_dir + n, sizeof bundle_dir - n, "/");
    n += bundle_name(bundle_dir + n, sizeof bundle_dir - n, prefix, now_ms, (int)sys_getpid());
    /* A second bundle of the same pid in the same second (pid reuse) gets a suffix, never overwrites. */
    for (int attempt = 0; attempt < 10; attempt++) {
        if (attempt > 0) {
            bundle_dir[n] = '.';
            bundle_dir[n + 1] = (char)('0' + attempt);
            bundle_dir[n + 2] = '\0';
        }
        if (sys_mkdir(bundle_dir, 0700) == 0) break;
        if (errno != EEXIST || attempt == 9) return -1;
    }
    char file[PATH_MAX];
    size_t len = copy_text(file, sizeof file, bundle_dir);
    copy_text(file + len, sizeof file - len, "/capture.txt");
    /* O_EXCL alone already refuses a link in capture.txt's place; O_NOFOLLOW says so (docs/ship.md). */
    return sys_open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
}

static void sync_folder(const char *path) {
    int fd = sys_open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    if (fd >= 0) {
        sys_fsync(fd);
        sys_close(fd);
    }
}

/* ---- sections ----------------------------------------------------------------------------- */

typedef struct {
    int sig;
    siginfo_t *info;
    void *ucontext;
    int64_t now_ms;
    int64_t deadline_ns;
    int tid;
    int fds_exhausted; /* fd_reserve_release_if_exhausted: 1 this process's limit, 2 the system's */
} crash_facts;

/* Only when the process had no descriptor left: then the capture used its reserve (handler/fd_reserve.h), and a
 * crash that follows a leak of files is often its consequence (an open() whose failure was not checked). */
static void write_descriptors(const crash_facts *crash) {
    if (crash->fds_exhausted == 0) return;
    bw_field_text(&writer, "process.fdsExhausted", crash->fds_exhausted == 1 ? "process" : "system");
    long long limit = sys_descriptor_limit();
    if (limit >= 0) bw_field_dec(&writer, "process.fdLimit", limit);
}

static void write_crash_section(const crash_facts *crash) {
    bw_section(&writer, "crash");
    bw_field_dec(&writer, "time.epochMillis", crash->now_ms);
    bw_field_dec(&writer, "process.pid", sys_getpid());
    /* A child forked from the armed JVM (by JNI code, crashing before exec): its own bundle, under its own pid;
     * it has the forking thread only, and no resolver (java_resolver.h). */
    if (prepared.armed_pid != 0 && (int)sys_getpid() != prepared.armed_pid) {
        bw_field_dec(&writer, "process.forkOf", prepared.armed_pid);
    }
    if (prepared.start_epoch_ms > 0) {
        bw_field_dec(&writer, "process.uptimeMillis", crash->now_ms - prepared.start_epoch_ms);
    }
    bw_field_dec(&writer, "signal.number", crash->sig);
    bw_field_text(&writer, "signal.name", signal_name(crash->sig));
    bw_field_dec(&writer, "signal.code", crash->info->si_code);
    bw_field_text(&writer, "signal.codeName", signal_code_name(crash->sig, crash->info->si_code));
    if (signal_has_fault_address(crash->sig, crash->info->si_code)) {
        bw_field_hex(&writer, "signal.address", (uintptr_t)crash->info->si_addr);
    }
    if (crash->info->si_code <= 0) {
        bw_field_dec(&writer, "signal.senderPid", crash->info->si_pid);
        bw_field_dec(&writer, "signal.senderUid", crash->info->si_uid);
    }
    write_descriptors(crash);
    bw_field_dec(&writer, "thread.tid", crash->tid);
    bw_flush(&writer);
}

/* Read apart from the rest: the message lives in memory glibc mapped, which the guard protects. */
static void write_abort_message(void *unused) {
    if (prepared.abort_msg == NULL || *prepared.abort_msg == NULL) return;
    const struct glibc_abort_msg *message = *prepared.abort_msg;
    if (!memory_map_readable(&prepared.map, (uintptr_t)message, sizeof *message + 1)) return;
    bw_field_text(&writer, "abort.message", message->msg);
    bw_flush(&writer);
}

static void read_memory_map(void *unused) {
    memory_map_read(&prepared.map, prepared.maps_line, MAPS_LINE_BYTES);
    prepared.module_count = module_list_build(&prepared.map, prepared.modules, MODULES_MAX);
}

static void write_registers(const void *ucontext) {
    for (size_t i = 0; i < arch_register_count(); i++) {
        bw_text(&writer, "reg\t");
        bw_text(&writer, arch_register_name(i));
        bw_text(&writer, "\t");
        bw_hex(&writer, arch_register_value(ucontext, i));
        bw_text(&writer, "\n");
    }
}

/* Set once the crash capture (there is one per process) has collected the threads, or given up before:
 * until then a thread that crashes meanwhile waits for the collection's request to record its crash in. */
static atomic_int crash_collection_over;

/* What the later steps share. */
static struct {
    unwind_context context;
    java_frame asgct[CRASHING_JAVA_FRAMES]; /* the crashing thread's AsyncGetCallTrace frames */
    int asgct_count;
    int asgct_status;
    stack_frame crashing_java[CRASHING_JAVA_FRAMES]; /* its Java frames as the walk placed them */
    int crashing_java_count;
    thread_stack_set others;
    int64_t collect_micros;       /* how long the other threads took to answer */
    int64_t names_micros;         /* how long the resolver took */
    const char *resolver;         /* RESOLVER_OK, or why its answers are absent (java_resolver.h) */
    java_names names;
    resolved_thread *states;      /* one per thread of `others`, in the same order */
    stack_memory crashing_memory; /* the crashing thread's registers and stack bytes */
    java_state_read crashing_state; /* its Java state as the handler read it (its section has it) */
} work;

void capture_record_also_crashed(int sig, siginfo_t *info, void *ucontext, int64_t deadline_ns) {
    /* Its own crash, not an answer to the service signal, is what this thread's slot must hold: the
     * signal stays blocked until the handler returns (the kernel restores the mask then). */
    sys_block_signal(service_signal_number());
    /* The owner opens the request after the crashing thread's own stack is written. */
    while (!atomic_load(&crash_collection_over) && monotonic_ns() < deadline_ns) {
        if (thread_stack_record_crash(sig, info, ucontext) != 0) return;
        pause_micros(200);
    }
}

/* The crashing thread's frames are streamed to the file as they are walked: a stack overflow has tens of thousands
 * of them, and whatever was written survives a later fault. Its Java frames are written without names here (the
 * resolver runs only after every thread was collected) and again, named and in the same order, in the java-frames
 * section at the end. */
typedef struct {
    const crash_facts *crash;
    stack_walk *walk;
} crash_walk;

static void write_crash_frame(void *arg, const stack_frame *frame) {
    crash_walk *state = arg;
    write_frame(&writer, &work.context, NULL, frame);
    if (frame->type == FRAME_JAVA && work.crashing_java_count < CRASHING_JAVA_FRAMES) {
        work.crashing_java[work.crashing_java_count++] = *frame;
    }
    if ((state->walk->count & 63) == 63) {
        bw_flush(&writer);
        if (monotonic_ns() > state->crash->deadline_ns) state->walk->cancelled = 1;
    }
}

static void write_crashing_frames(void *arg) {
    const crash_facts *crash = arg;
    stack_walk walk = { .java = work.asgct, .java_count = work.asgct_count, .max_frames = FRAMES_MAX,
                        .emit = write_crash_frame };
    crash_walk state = { crash, &walk };
    walk.arg = &state;
    stack_walk_take(&walk, &work.context, crash->ucontext);
    if (work.asgct_status < 0 && work.asgct_status != JAVA_FRAMES_NOT_JAVA && work.asgct_status != JAVA_FRAMES_IN_VM_CODE) {
        bw_field_dec(&writer, "java.error", work.asgct_status);
    }
    if (walk.java_unplaced > 0) bw_field_dec(&writer, "java.unplaced", walk.java_unplaced);
    bw_field_text(&writer, "unwind.stop", walk.stop);
    bw_flush(&writer);
}

/* An uncaught C++ exception: its type and what(), in the crash section (handler/cxx_exception.c). Not when
 * glibc left a message: then glibc itself aborted (heap corruption, a failed assert), possibly holding the
 * allocator's lock, and asking the C++ runtime could need that lock (see cxx_exception_write). */
static void write_cxx_exception(void *arg) {
    const crash_facts *crash = arg;
    if (crash->sig != SIGABRT || (prepared.abort_msg != NULL && *prepared.abort_msg != NULL)) return;
    cxx_exception_write(&writer, &work.context, crash->ucontext);
}

/* How long a crash early in the JVM's life waits for the jmethodIDs of classes loaded before arming. */
#define METHOD_IDS_WAIT_NS (500LL * 1000000)

static void write_crashing_thread(void *arg) {
    const crash_facts *crash = arg;
    unwind_regs regs;
    arch_regs_from_ucontext(crash->ucontext, &regs);
    /* Its Java state too, read here: the resolver answers only after every thread was collected, if in time. */
    java_thread_object vthread;
    int mounted = virtual_thread_own(&prepared.map, &vthread);
    work.crashing_state = (java_state_read){ java_thread_status_own(&prepared.map), mounted != 0 };
    write_thread_identity(&writer, crash->tid, 1, work.crashing_state, NULL);
    write_hotspot_state(&writer, java_thread_state_own(&prepared.map));
    write_virtual_thread(&writer, mounted, &vthread);
    write_registers(crash->ucontext);
    write_stack(&writer, &prepared.map, crash->tid, regs.sp);
    bw_flush(&writer);
}

/* AsyncGetCallTrace's frames, before the walk that places them among the native ones. It reports a method only once
 * its jmethodID exists; for classes loaded before arming the arming thread creates them before the handlers are
 * installed, unless there are more than 2,000 (an application crashcap attached to later): then the resolver thread
 * does, in its first moments (arming/java_resolver.c). A crash in those moments waits for it, briefly and only then
 * (an atomic flag and a sleep: both signal-safe). Guarded on its own: a fault in it costs the Java frames' names, not
 * the frames. */
static void take_crashing_java_frames(void *arg) {
    const crash_facts *crash = arg;
    int64_t ids_deadline = monotonic_ns() + METHOD_IDS_WAIT_NS;
    java_resolver_await_method_ids(ids_deadline < crash->deadline_ns ? ids_deadline : crash->deadline_ns);
    work.asgct_status = java_frames_take(crash->ucontext, work.asgct, CRASHING_JAVA_FRAMES);
    work.asgct_count = work.asgct_status > 0 ? work.asgct_status : 0;
}

/* The crashing thread's registers and the top of its stack (more of it than of the others): the owner is that
 * thread, and its interrupted stack stays as it is while the capture runs. Guarded by run_guarded. */
static void take_crashing_stack_memory(void *arg) {
    const crash_facts *crash = arg;
    size_t bytes = stack_memory_crashing_thread();
    work.crashing_memory.bytes = bytes > 0 ? sys_mmap_anonymous(bytes, 0) : NULL;
    work.crashing_memory.capacity = work.crashing_memory.bytes != NULL ? bytes : 0;
    stack_memory_take(&work.crashing_memory, &prepared.map, crash->ucontext, NULL, NULL);
}

/* stacks.bin, after everything in capture.txt but its end (the largest part of a bundle comes last), and a
 * section saying what it holds and what it cost. */
static void write_stack_memory(void *arg) {
    const crash_facts *crash = arg;
    int64_t started = monotonic_ns();
    int threads = 0;
    int64_t bytes = stack_memory_file_write(bundle_dir, crash->tid,
                                            crash->ucontext != NULL ? &work.crashing_memory : NULL, &work.others, &threads);
    bw_section(&writer, "stacks");
    bw_field_text(&writer, "stacks.file", bytes >= 0 ? "stacks.bin" : "failed");
    bw_field_dec(&writer, "stacks.threads", threads);
    bw_field_dec(&writer, "stacks.bytes", bytes >= 0 ? bytes : 0);
    bw_field_dec(&writer, "stacks.perThreadBytes", (int64_t)stack_memory_each_thread());
    bw_field_dec(&writer, "stacks.micros", (monotonic_ns() - started) / 1000);
    bw_flush(&writer);
}

static void collect_other_threads(void *arg) {
    const crash_facts *crash = arg;
    int64_t deadline = monotonic_ns() + THREADS_DEADLINE_NS;
    if (deadline > crash->deadline_ns) deadline = crash->deadline_ns;
    int64_t started = monotonic_ns();
    thread_stack_collect_all(&work.context, crash->tid, service_signal_number(), deadline, &work.others);
    work.collect_micros = (monotonic_ns() - started) / 1000;
}

/* Names for Java frames and states for threads, from the resolver thread (JVMTI), with a deadline. */
static void resolve_java_names(void *arg) {
    const crash_facts *crash = arg;
    work.resolver = RESOLVER_UNAVAILABLE; /* until it is asked */
    if (java_names_build(&work.names, &prepared.map, &work.others, work.crashing_java, work.crashing_java_count) != 0) {
        return;
    }
    int count = work.others.count;
    work.states = sys_mmap_anonymous((size_t)(count + 1) * sizeof(resolved_thread), 0);
    if (work.states == NULL) return;
    for (int i = 0; i < count; i++) work.states[i].tid = work.others.items[i].tid;
    int64_t deadline = monotonic_ns() + RESOLVE_DEADLINE_NS;
    if (deadline > crash->deadline_ns) deadline = crash->deadline_ns;
    int64_t started = monotonic_ns();
    work.resolver = java_resolver_resolve(work.names.list, work.names.count, work.states, count, deadline,
                                          crash->ucontext == NULL);
    work.names_micros = (monotonic_ns() - started) / 1000;
}

static void write_other_threads(void *arg) {
    const crash_facts *crash = arg;
    bw_section(&writer, "threads");
    bw_field_dec(&writer, "threads.total", work.others.count);
    bw_field_dec(&writer, "threads.answered", work.others.answered);
    bw_field_dec(&writer, "threads.deadlineMillis", THREADS_DEADLINE_NS / 1000000);
    bw_field_dec(&writer, "threads.collectMicros", work.collect_micros);
    bw_field_dec(&writer, "threads.namesMicros", work.names_micros);
    if (work.resolver != NULL) bw_field_text(&writer, "threads.resolver", work.resolver);
    bw_field_dec(&writer, "threads.javaMethods", work.names.count + work.names.named_here);
    bw_field_dec(&writer, "threads.javaMethodsRead", work.names.named_here);
    write_thread_identity_source(&writer);
    write_hotspot_frames_source(&writer);
    for (int i = 0; i < work.others.count; i++) {
        const thread_stack *stack = &work.others.items[i];
        if (stack->tid == crash->tid) continue;
        write_thread_section(&writer, &work.context, stack, &work.names, work.states ? &work.states[i] : NULL);
        bw_flush(&writer);
    }
}

static void write_crashing_java_frames(void *arg) {
    const crash_facts *crash = arg;
    bw_section(&writer, "java-frames");
    bw_field_dec(&writer, "tid", crash->tid);
    for (int i = 0; i < work.others.count; i++) {
        /* The resolver's state only when the thread section has none from the handler. */
        if (work.others.items[i].tid == crash->tid && work.states != NULL && work.crashing_state.status < 0) {
            write_java_state(&writer, work.crashing_state, &work.states[i]);
        }
        /* Its name now, if it was renamed since crashcap registered it (its section has the earlier one). */
        if (work.others.items[i].tid == crash->tid && work.states != NULL && atomic_load(&work.states[i].ready) &&
            work.states[i].java_name != NULL) {
            bw_field_text(&writer, "name", work.states[i].java_name);
        }
    }
    for (int i = 0; i < work.crashing_java_count; i++) write_java_frame(&writer, &work.names, &work.crashing_java[i]);
    bw_flush(&writer);
}

static void write_modules(void *unused) {
    bw_section(&writer, "modules");
    for (size_t i = 0; i < prepared.module_count; i++) {
        const module_info *module = &prepared.modules[i];
        bw_text(&writer, "module\t");
        bw_hex(&writer, module->base);
        bw_text(&writer, "\t");
        bw_hex(&writer, module->end - module->base);
        bw_text(&writer, "\t");
        bw_hex_bytes(&writer, module->build_id, module->build_id_len);
        bw_text(&writer, "\t");
        bw_value(&writer, module->path);
        if (module->deleted) bw_text(&writer, "\tdeleted");
        bw_text(&writer, "\n");
    }
    bw_flush(&writer);
}

static void write_library_loads(void *unused) {
    library_loads_write(&writer);
    bw_flush(&writer);
}

/* After a snapshot (the process lives on): give back what the collection mapped. A crash keeps it. */
static void release_work(void) {
    if (work.states != NULL) sys_munmap(work.states, (size_t)(work.others.count + 1) * sizeof(resolved_thread));
    thread_stack_release(&work.others);
    java_names_release(&work.names);
    work.others = (thread_stack_set){ 0 };
    work.states = NULL;
    work.resolver = NULL;
    work.names_micros = 0;
}

/* The report's context (handler/crash_memory.h, vm_context.h, host_context.h): last, after everything that
 * names the crash is on disk; each under its own guard. */
static void write_crash_memory(void *arg) {
    const crash_facts *crash = arg;
    crash_memory_write(&writer, &prepared.map, crash->ucontext);
}

static void write_vm_context(void *unused) {
    vm_context_write(&writer, &prepared.map);
}

static void write_host_context(void *unused) {
    host_context_write(&writer);
}

/* The file's start: format line and the header rendered at arming time. */
static int begin_bundle(const char *folder, const char *prefix, int64_t now_ms) {
    int fd = open_bundle_file(folder, prefix, now_ms);
    if (fd < 0) return -1;
    bw_init(&writer, fd);
    bw_text(&writer, "crashcap-capture\t1\n");
    bw_bytes(&writer, prepared.header, prepared.header_len);
    bw_flush(&writer);
    return fd;
}

static void read_map_and_modules(void) {
    symbol_cache_forget();
    prepared.module_count = 0;
    run_guarded("maps", read_memory_map, NULL);
    work.context = (unwind_context){ &prepared.map, prepared.modules, prepared.module_count };
}

/* Every other thread, named, then the modules. */
static void write_all_threads_and_modules(crash_facts *crash) {
    run_guarded("threads", collect_other_threads, crash);
    if (crash->ucontext != NULL) atomic_store(&crash_collection_over, 1);
    run_guarded("java-names", resolve_java_names, crash);
    run_guarded("threads", write_other_threads, crash);
    if (crash->ucontext != NULL) run_guarded("java-frames", write_crashing_java_frames, crash);
    run_guarded("modules", write_modules, NULL);
    run_guarded("libraries", write_library_loads, NULL);
}

/* Durable first (the folder entries too), then the line that says so. */
static void end_bundle(int fd, const char *folder, int64_t started_ns, int64_t context_ns) {
    bw_section(&writer, "end");
    bw_field_dec(&writer, "context.micros", context_ns / 1000); /* the context sections' share of the time */
    bw_flush(&writer);
    sys_fsync(fd);
    sync_folder(bundle_dir);
    sync_folder(folder);
    bw_field_dec(&writer, "capture.micros", (monotonic_ns() - started_ns) / 1000);
    bw_field_text(&writer, "end", "complete");
    bw_flush(&writer);
    sys_fsync(fd);
    sys_close(fd);
}

void capture_write(int sig, siginfo_t *info, void *ucontext, int64_t deadline_ns) {
    int64_t started_ns = monotonic_ns();
    /* Before the first file is opened: a process that used up its descriptors still gets its bundle. */
    crash_facts crash = { sig, info, ucontext, epoch_ms(), deadline_ns, current_tid(), fd_reserve_release_if_exhausted() };
    work.crashing_state = (java_state_read){ -1, 0 };
    int fd = begin_bundle(prepared.folder, "crash-", crash.now_ms);
    if (fd < 0) {
        atomic_store(&crash_collection_over, 1);
        fd_reserve_restore();
        return; /* nowhere to write: the JVM's own handler still runs after us */
    }
    write_crash_section(&crash);
    read_map_and_modules();
    run_guarded("abort-message", write_abort_message, NULL);
    run_guarded("cxx-exception", write_cxx_exception, &crash);
    /* The crashing thread first, so it is on disk before anything riskier is tried. */
    run_guarded("thread", write_crashing_thread, &crash);
    run_guarded("java-frames", take_crashing_java_frames, &crash);
    run_guarded("frames", write_crashing_frames, &crash);
    run_guarded("stack-memory", take_crashing_stack_memory, &crash);
    write_all_threads_and_modules(&crash);
    int64_t context_ns = monotonic_ns();
    run_guarded("crash-memory", write_crash_memory, &crash);
    run_guarded("vm", write_vm_context, NULL);
    run_guarded("host", write_host_context, NULL);
    context_ns = monotonic_ns() - context_ns;
    /* The largest part last: stacks.bin, for minidumps (handler/stack_memory_file.c). */
    run_guarded("stack-memory", write_stack_memory, &crash);
    /* Durable before the JVM's handler runs: that handler ends in abort(). */
    end_bundle(fd, prepared.folder, started_ns, context_ns);
    /* The process's descriptors as they were: the JVM's report then finds what it would have without crashcap
     * (none free: HotSpot prints hs_err on stdout, "Can not save log file"). */
    fd_reserve_restore();
}

const char *capture_snapshot(const char *folder, char *path, size_t path_size) {
    int64_t started_ns = monotonic_ns();
    crash_facts request = { 0, NULL, NULL, epoch_ms(), started_ns + SNAPSHOT_DEADLINE_NS, current_tid(),
                            fd_reserve_release_if_exhausted() };
    int fd = begin_bundle(folder, "snapshot-", request.now_ms);
    if (fd < 0) {
        fd_reserve_restore();
        return "cannot create the snapshot bundle";
    }
    bw_section(&writer, "snapshot");
    bw_field_dec(&writer, "time.epochMillis", request.now_ms);
    bw_field_dec(&writer, "process.pid", sys_getpid());
    if (prepared.start_epoch_ms > 0) {
        bw_field_dec(&writer, "process.uptimeMillis", request.now_ms - prepared.start_epoch_ms);
    }
    bw_field_dec(&writer, "thread.tid", request.tid);
    bw_flush(&writer);
    read_map_and_modules();
    write_all_threads_and_modules(&request);
    int64_t context_ns = monotonic_ns();
    run_guarded("vm", write_vm_context, NULL);
    run_guarded("host", write_host_context, NULL);
    context_ns = monotonic_ns() - context_ns;
    run_guarded("stack-memory", write_stack_memory, &request);
    end_bundle(fd, folder, started_ns, context_ns);
    fd_reserve_restore();
    copy_text(path, path_size, bundle_dir);
    release_work();
    return NULL;
}
