/* Writing threads into the capture file: identity, native frames named from .dynsym (with a cache,
 * since thousands of threads share the same few hundred return addresses), Java frames named from HotSpot's
 * structures (java_method_name.h) as they are written, else by the resolver. Async-signal-safe. */
#ifndef CRASHCAP_THREAD_SECTIONS_H
#define CRASHCAP_THREAD_SECTIONS_H

#include "bundle_writer.h"
#include "java_resolver.h"
#include "stack_walk.h"
#include "thread_stack.h"
#include "unwind.h"

/* Every distinct (method, bytecode index) of a capture. Those HotSpot's structures name (named_here) are named
 * again as each frame is written, so no names are kept; the others are named once by the resolver. */
typedef struct {
    resolved_frame *items;        /* open addressing on (method, bci) */
    size_t capacity;              /* a power of two */
    resolved_frame **list;        /* the items for the resolver, in insertion order */
    int count;                    /* how many in list */
    int named_here;               /* how many items are named from HotSpot's structures */
    const memory_map *map;        /* the capture's memory map, for those reads */
} java_names;

/* Collects the distinct Java frames of all thread stacks plus the crashing thread's, and finds which of them
 * HotSpot's structures name (read through map): those the walk found by Method* alone as well as AsyncGetCallTrace's.
 * The others go to the resolver (those with a jmethodID). Maps its storage. */
int java_names_build(java_names *names, const memory_map *map, const thread_stack_set *threads,
                     const stack_frame *extra, int extra_count);

/* "stack" (the bounds of the stack holding sp) and "stack.sp" records. */
void write_stack(bundle_writer *w, const memory_map *map, int tid, uintptr_t sp);

/* Gives back what java_names_build mapped (after a live snapshot, crashcap dump; a crash never needs to). */
void java_names_release(java_names *names);

/* A new capture is about to rebuild the module table: the names looked up for the previous one point into
 * the old table and must not be used again. Called by the capture owner before it reads the memory map. */
void symbol_cache_forget(void);

/* The virtual thread mounted on a carrier (mounted as virtual_thread_read returns it): virtualThread.id and
 * virtualThread.name when read (1), virtualThread.unreadable when one may be mounted but could not be read (-1),
 * nothing when none is (0). */
void write_virtual_thread(bundle_writer *w, int mounted, const java_thread_object *vthread);

/* HotSpot's state of the thread (hotspotState: _thread_in_native, ...), when known (state >= 0). */
void write_hotspot_state(bundle_writer *w, int state);

/* Whether threads from before arming could be named by tid (hotspot.threads: "ok", or why not), whether
 * Java methods could be named from HotSpot's structures (hotspot.methods: "ok", or why not), and whether Java
 * states could be read in the handler (hotspot.threadStates: "ok", or why not). */
void write_thread_identity_source(bundle_writer *w);

/* Whether Java frames could be walked through (hotspot.frames: "ok", or why not; docs/threads.md). */
void write_hotspot_frames_source(bundle_writer *w);

/* What the handler read of a thread's Java state: its threadStatus (java_thread_status.h, -1 if not read), and
 * whether a virtual thread was or may have been mounted on it (virtual_thread_read's result, non-zero). */
typedef struct {
    int status;
    int carrying;
} java_state_read;

/* The thread section's start: tid, name, java, daemon, crashed, state, kstate. The Java state is the one the handler
 * read when it could, else the resolver's (resolved, may be NULL). */
void write_thread_identity(bundle_writer *w, int tid, int crashed, java_state_read read, const resolved_thread *resolved);

/* The Java state: state and state.source ("handler": read from java.lang.Thread in the handler, "resolver": JVMTI's,
 * only when the handler could not read it, and never for a carrier), nothing when neither knows it. */
void write_java_state(bundle_writer *w, java_state_read read, const resolved_thread *resolved);
void write_native_frame(bundle_writer *w, const unwind_context *context, uintptr_t pc, int pc_exact, uintptr_t sp);
/* A Java frame, named when names has it (names may be NULL: then by its method id or Method*). */
void write_java_frame(bundle_writer *w, const java_names *names, const stack_frame *frame);
/* Any frame of a walk (stack_walk.h). */
void write_frame(bundle_writer *w, const unwind_context *context, const java_names *names, const stack_frame *frame);

/* A whole thread section for a thread that was asked for its stack (answered or not). */
void write_thread_section(bundle_writer *w, const unwind_context *context, const thread_stack *stack,
                          const java_names *names, const resolved_thread *resolved);

#endif
