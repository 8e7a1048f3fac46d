#include "stack_walk.h"

#include "hotspot_arch.h"
#include "hotspot_code.h"
#include "sys.h"

#define STACK_WALK_JAVA_MAX 1024

/* The walk's state between frames: where AsyncGetCallTrace's list has got to. */
typedef struct {
    stack_walk *walk;
    const memory_map *map;
    uintptr_t methods[STACK_WALK_JAVA_MAX]; /* each AsyncGetCallTrace frame's Method* (0 unknown) */
    int java_count;
    int next_java;                /* the first AsyncGetCallTrace frame not yet placed */
    int physical_java;            /* Java frames the physical walk found */
    int unmatched_physical;       /* of those, emitted since the last match without an AsyncGetCallTrace frame */
} walk_state;

static void emit(walk_state *state, const stack_frame *frame) {
    state->walk->emit(state->walk->arg, frame);
    state->walk->count++;
}

static void emit_native(walk_state *state, const unwind_regs *regs) {
    stack_frame frame = { .pc = regs->pc, .sp = regs->sp, .type = FRAME_NATIVE, .exact = (uint8_t)regs->pc_exact };
    emit(state, &frame);
}

static void emit_stub(walk_state *state, const unwind_regs *regs, const char *name) {
    stack_frame frame = { .pc = regs->pc, .sp = regs->sp, .name = name, .type = FRAME_STUB };
    emit(state, &frame);
}

static void emit_java_only(walk_state *state, int index, uintptr_t sp, uint8_t kind) {
    stack_frame frame = {
        .sp = sp, .method = state->methods[index], .id = state->walk->java[index].method,
        .bci = state->walk->java[index].bci, .type = FRAME_JAVA, .java_kind = kind,
    };
    emit(state, &frame);
}

/* A physical Java frame: AsyncGetCallTrace's frames up to the one of the same Method* go first (inlined into this
 * frame when it is compiled), and that one names this frame with its exact bytecode index. None of the same Method*
 * (AsyncGetCallTrace failed, or missed this frame): the frame stands alone. */
static void emit_java(walk_state *state, stack_frame frame) {
    state->physical_java++;
    int match = -1;
    for (int i = state->next_java; i < state->java_count && frame.method != 0; i++) {
        if (state->methods[i] == frame.method) {
            match = i;
            break;
        }
    }
    if (match >= 0) {
        int compiled = frame.java_kind == JAVA_KIND_C1 || frame.java_kind == JAVA_KIND_C2 ||
                       frame.java_kind == JAVA_KIND_COMPILED;
        for (int i = state->next_java; i < match; i++) {
            /* AsyncGetCallTrace's frame of a method whose jmethodID did not exist yet (its class loaded before arming,
             * the resolver not yet done creating them: right after crashcap attached to an application of more than
             * 2,000 classes, arming/java_resolver.c, a dump, which need not wait for them, or a crash whose short wait
             * for them ran out) has no Method* and could match nothing; a physical frame emitted since the last match
             * stands for it, named from its own Method*. Emitting it again put an unnamed duplicate of that frame here. */
            if (state->methods[i] == 0 && state->unmatched_physical > 0) {
                state->unmatched_physical--;
                continue;
            }
            emit_java_only(state, i, compiled ? frame.sp : 0, compiled ? JAVA_KIND_INLINED : JAVA_KIND_UNKNOWN);
        }
        state->unmatched_physical = 0;
        frame.id = state->walk->java[match].method;
        if (state->walk->java[match].bci >= 0 || state->walk->java[match].bci == JAVA_FRAME_NATIVE_METHOD) {
            frame.bci = state->walk->java[match].bci;
        }
        state->next_java = match + 1;
    } else {
        state->unmatched_physical++;
    }
    emit(state, &frame);
}

static int agct_has(const walk_state *state, uintptr_t method) {
    for (int i = state->next_java; i < state->java_count; i++) {
        if (state->methods[i] == method) return 1;
    }
    return 0;
}

static int executable(const memory_map *map, uintptr_t pc) {
    const map_entry *entry = memory_map_find(map, pc);
    return entry != NULL && (entry->perms & MAP_PERM_X);
}

static uint8_t compiled_kind(int level, int native) {
    if (native == 1) return JAVA_KIND_NATIVE;
    if (level >= 1 && level <= 3) return JAVA_KIND_C1;
    if (level == 4) return JAVA_KIND_C2;
    return JAVA_KIND_COMPILED;
}

/* The caller a frame names must be code, else the frame was misread. A Java frame's caller is always in the code cache
 * (Java code, or the call stub through which C++ called it); a stub's may be native code too. */
static int plausible_caller(const walk_state *state, const unwind_regs *caller, int java) {
    if (hotspot_code_contains(caller->pc)) return 1;
    return !java && executable(state->map, caller->pc);
}

/* One step through the code cache frame at regs (pc in the code cache): emits it and moves regs to its caller.
 * Returns 1, or 0 when the frame cannot be stepped through (then nothing is emitted and regs stay). */
static int java_step(walk_state *state, unwind_regs *regs, int first_frame) {
    const memory_map *map = state->map;
    hotspot_blob blob;
    uintptr_t lookup = regs->pc_exact ? regs->pc : regs->pc - 1;
    if (!hotspot_blob_find(map, lookup, &blob)) return 0;
    /* A frame interrupted before its set-up finished (or a stub without a fixed frame) at frame 0: where its return
     * pc is depends on the very instruction; not guessed. */
    int in_prolog = blob.frame_complete < 0 || lookup < blob.code_begin + (uintptr_t)blob.frame_complete;
    unwind_regs caller = *regs;
    if (blob.kind == BLOB_INTERPRETER) {
        uintptr_t method = 0, bcp = 0;
        if (!hotspot_arch_interpreted_step(map, &caller, &method, &bcp) || !plausible_caller(state, &caller, 1)) return 0;
        int native = hotspot_method_is_native(map, method);
        int bci = native == 1 ? JAVA_FRAME_NATIVE_METHOD : hotspot_method_bci(map, method, bcp);
        /* The Method* and bytecode pointer must agree: else rbp was not this frame's (an interpreter entry or exit
         * was interrupted), and nothing read through it is believed. */
        if (native < 0 || bci == -1) return 0;
        stack_frame frame = { .pc = regs->pc, .sp = regs->sp, .method = method, .bci = bci, .type = FRAME_JAVA,
                              .java_kind = native ? JAVA_KIND_NATIVE : JAVA_KIND_INTERPRETED };
        emit_java(state, frame);
        *regs = caller;
        return 1;
    }
    if (blob.kind == BLOB_NMETHOD) {
        if (first_frame && in_prolog) return 0;
        uintptr_t method = hotspot_nmethod_method(map, &blob);
        int native = hotspot_method_is_native(map, method);
        if (method == 0 || native < 0) return 0;
        /* Stopped inside compiled code, the frame may be torn down already (its epilogue): believed only when
         * AsyncGetCallTrace, which knows where HotSpot's own walk can start, has this method among its frames. */
        if (first_frame && !agct_has(state, method)) return 0;
        if (!hotspot_arch_fixed_step(map, &caller, blob.frame_size) || !plausible_caller(state, &caller, 1)) return 0;
        stack_frame frame = { .pc = regs->pc, .sp = regs->sp, .method = method, .bci = STACK_BCI_UNKNOWN, .type = FRAME_JAVA,
                              .java_kind = compiled_kind(hotspot_nmethod_level(map, &blob), native) };
        if (native == 1) frame.bci = JAVA_FRAME_NATIVE_METHOD;
        emit_java(state, frame);
        *regs = caller;
        return 1;
    }
    if (!first_frame && hotspot_is_call_stub_return(regs->pc)) {
        /* The call stub: C++ (JavaCalls::call_helper) called Java here; below it the native walk goes on. */
        if (!hotspot_arch_entry_step(map, &caller) || !plausible_caller(state, &caller, 0)) return 0;
        emit_stub(state, regs, "StubRoutines::call_stub");
        *regs = caller;
        return 1;
    }
    if (blob.frame_size >= 2 && !(first_frame && in_prolog)) {
        if (!hotspot_arch_fixed_step(map, &caller, blob.frame_size) || !plausible_caller(state, &caller, 0)) return 0;
        emit_stub(state, regs, blob.name != NULL && memory_map_readable(map, (uintptr_t)blob.name, 1) ? blob.name : NULL);
        *regs = caller;
        return 1;
    }
    return 0;
}

void stack_walk_take(stack_walk *walk, const unwind_context *context, void *ucontext) {
    walk_state state;
    state.walk = walk;
    state.map = context->map;
    state.java_count = walk->java_count < STACK_WALK_JAVA_MAX ? walk->java_count : STACK_WALK_JAVA_MAX;
    state.next_java = 0;
    state.physical_java = 0;
    state.unmatched_physical = 0;
    for (int i = 0; i < state.java_count; i++) state.methods[i] = hotspot_method_of_id(context->map, walk->java[i].method);
    walk->count = 0;
    walk->stop = "max-frames";
    walk->java_unplaced = 0;

    unwind_regs regs;
    arch_regs_from_ucontext(ucontext, &regs);
    int reached_end = 0;
    for (int depth = 0; walk->count < walk->max_frames; depth++) {
        if (walk->cancelled) {
            walk->stop = "deadline";
            break;
        }
        if (hotspot_code_contains(regs.pc)) {
            /* The stopped instruction itself stays a frame of its own, as for every thread (where it was stopped). */
            if (depth == 0) emit_native(&state, &regs);
            if (walk->count >= walk->max_frames) break;
            if (!java_step(&state, &regs, depth == 0)) {
                /* Where the walk ended, as the native walk ends; unless AsyncGetCallTrace's frames follow, the first
                 * of which is this very frame. */
                if (depth > 0 && state.next_java >= state.java_count) emit_native(&state, &regs);
                walk->stop = "java-frame";
                break;
            }
            continue;
        }
        /* Without HotSpot's layout the native walk ends at the first Java frame, which AsyncGetCallTrace's frames
         * then name (the old walk's shape). */
        if (depth > 0 && hotspot_code_problem() != NULL && state.next_java < state.java_count &&
            module_list_find(context->modules, context->module_count, regs.pc - 1) == NULL) {
            walk->stop = unwind_status_name(UNWIND_NO_MODULE);
            break;
        }
        emit_native(&state, &regs);
        unwind_status status = unwind_step(context, &regs, depth == 0);
        if (status != UNWIND_OK) {
            walk->stop = unwind_status_name(status);
            reached_end = status == UNWIND_END;
            break;
        }
    }
    /* AsyncGetCallTrace's frames that no physical frame claimed. After a walk that stopped short they are the Java
     * frames below where it stopped, in order (the old walk's shape); after a walk that reached the thread's entry
     * through Java frames they have no place, and are only counted. */
    int left = state.java_count - state.next_java;
    if (left > 0 && reached_end && state.physical_java > 0) {
        walk->java_unplaced = left;
    } else {
        for (int i = state.next_java; i < state.java_count; i++) emit_java_only(&state, i, 0, JAVA_KIND_UNKNOWN);
    }
}
