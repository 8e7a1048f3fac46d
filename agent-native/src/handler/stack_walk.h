/* One thread's whole stack as one list, innermost first, in the order the frames sit on the stack: native frames
 * (DWARF CFI), and where a return address leads into HotSpot's code cache, its Java frames (interpreted, compiled,
 * native wrappers), its stubs and the call stub through which C++ called into Java, then native frames again, down
 * to the thread's entry. The physical walk says where each Java frame is; AsyncGetCallTrace, taken after it, says
 * what ran there (the methods inlined into a compiled frame, the exact bytecode index), and its frames are placed at
 * the physical frames of the same Method*. Without HotSpot's layout (hotspot_code.h) the walk is the old one: native
 * frames until the first Java frame, then AsyncGetCallTrace's frames. Runs in a signal handler, on the thread whose
 * stack it walks; callers guard it against faults. */
#ifndef CRASHCAP_STACK_WALK_H
#define CRASHCAP_STACK_WALK_H

#include <jni.h>
#include <stdint.h>

#include "java_frames.h"
#include "unwind.h"

typedef enum {
    FRAME_NATIVE = 0,             /* code of an ELF module (or no module: a bad pc, JIT code the walk could not step) */
    FRAME_STUB,                   /* HotSpot-generated code that is not a Java method: the call stub, runtime stubs */
    FRAME_JAVA
} stack_frame_type;

typedef enum {
    JAVA_KIND_UNKNOWN = 0,        /* from AsyncGetCallTrace alone: not found on the physical walk */
    JAVA_KIND_INTERPRETED,
    JAVA_KIND_C1,                 /* compiled, tiers 1-3 */
    JAVA_KIND_C2,                 /* compiled, tier 4 */
    JAVA_KIND_COMPILED,           /* compiled, tier unknown */
    JAVA_KIND_INLINED,            /* inlined into the compiled frame that follows it */
    JAVA_KIND_NATIVE              /* a native method (interpreter's native entry or a native wrapper) */
} java_frame_kind;

#define STACK_BCI_UNKNOWN (-1)

typedef struct {
    uintptr_t pc;                 /* native/stub: the pc; Java: its physical frame's pc, 0 if not on the walk */
    uintptr_t sp;                 /* the frame's stack pointer, 0 when unknown (frames only AsyncGetCallTrace gave) */
    uintptr_t method;             /* Java: HotSpot's Method*, 0 when unknown */
    jmethodID id;                 /* Java: AsyncGetCallTrace's method id (for the resolver), NULL if it gave none */
    const char *name;             /* stub: HotSpot's name of the code, NULL when unknown */
    int32_t bci;                  /* Java: bytecode index, STACK_BCI_UNKNOWN, or JAVA_FRAME_NATIVE_METHOD */
    uint8_t type;                 /* stack_frame_type */
    uint8_t java_kind;            /* java_frame_kind */
    uint8_t exact;                /* native: the pc is the stopped instruction, not a return address */
} stack_frame;

typedef void (*stack_walk_emit)(void *arg, const stack_frame *frame);

typedef struct {
    /* in */
    const java_frame *java;       /* the thread's AsyncGetCallTrace frames, innermost first (none: java_count 0) */
    int java_count;
    int max_frames;               /* emit at most this many */
    stack_walk_emit emit;         /* called for each frame, innermost first */
    void *arg;
    volatile int cancelled;       /* set by emit to end the walk (stop "deadline") */
    /* out */
    int count;                    /* frames emitted */
    const char *stop;             /* why the walk ended: unwind_status_name's words, "max-frames", or "java-frame"
                                   * (a Java frame or stub that could not be stepped through) */
    int java_unplaced;            /* AsyncGetCallTrace frames that matched no physical frame of a walk that reached
                                   * the thread's entry: left out rather than shown in a wrong place */
} stack_walk;

/* Walks the calling thread's stack from its signal ucontext (the memory map in context), emitting the frames. */
void stack_walk_take(stack_walk *walk, const unwind_context *context, void *ucontext);

#endif
