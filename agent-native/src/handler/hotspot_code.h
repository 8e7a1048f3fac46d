/* HotSpot's code cache as the handler needs it to walk through Java frames: where JIT-compiled code, stubs and the
 * interpreter lie, how to find the CodeBlob that holds a pc (the code heaps' segment maps), and the few fields of
 * CodeBlob, nmethod, Method and ConstMethod that one frame step reads. The layout is read from HotSpot's own
 * description (gHotSpotVMStructs) and checked at arming time (arming/hotspot_code_prepare.c); the handler only reads
 * plain numbers from here, and every read of the JVM's memory is checked against the memory map first. */
#ifndef CRASHCAP_HOTSPOT_CODE_H
#define CRASHCAP_HOTSPOT_CODE_H

#include <stdint.h>

#include "memory_map.h"

#define HOTSPOT_CODE_HEAPS 8

typedef struct {
    int ready;                    /* 1: every number below was found and checked */
    const char *problem;          /* why not ready: a static string, written into every bundle */
    uintptr_t low_bound;          /* CodeCache::_low_bound/_high_bound: every code heap lies inside */
    uintptr_t high_bound;
    int heap_count;
    struct {
        uintptr_t low;            /* the heap's reserved memory (CodeHeap::_memory) */
        uintptr_t high;
        uintptr_t segmap;         /* one byte per segment (CodeHeap::_segmap) */
        unsigned log2_segment;
    } heaps[HOTSPOT_CODE_HEAPS];
    uint64_t heap_block_size;     /* sizeof(HeapBlock): the CodeBlob follows its block header */
    uint64_t blob_name;           /* CodeBlob::_name, a const char* */
    uint64_t blob_frame_size;     /* CodeBlob::_frame_size, int, in words */
    uint64_t blob_frame_complete; /* CodeBlob::_frame_complete_offset, from the code's start */
    int frame_complete_bytes;     /* 4 (int, JDK 17) or 2 (int16_t, JDK 23+) */
    int code_is_offset;           /* 0: _code_begin/_code_end are addresses (JDK 17); 1: _code_offset and
                                   * _data_offset are ints from the blob's start (JDK 23+) */
    uint64_t blob_code_begin;
    uint64_t blob_code_end;
    int has_kind;                 /* 1: CodeBlob::_kind (JDK 23+) tells nmethods; 0: their _name does (JDK 17) */
    uint64_t blob_kind;
    int kind_nmethod;             /* CodeBlobKind::Nmethod */
    uint64_t nmethod_method;      /* nmethod::_method (CompiledMethod::_method on JDK 17), a Method* */
    uint64_t nmethod_comp_level;
    int comp_level_bytes;         /* 4 (int, JDK 17) or 1 (CompLevel, JDK 23+) */
    uintptr_t call_stub_return;   /* StubRoutines::_call_stub_return_address: a Java frame's return into C++ */
    uintptr_t interpreter_low;    /* the template interpreter's code (AbstractInterpreter::_code's buffer) */
    uintptr_t interpreter_high;
    uint64_t method_const_method; /* Method::_constMethod */
    uint64_t method_access_flags; /* Method::_access_flags */
    int access_flags_bytes;       /* 4 (JDK 17) or 2 (JDK 23+) */
    uint64_t const_method_size;   /* sizeof(ConstMethod): the bytecodes follow it */
    uint64_t const_method_code_size; /* ConstMethod::_code_size, u2 */
} hotspot_code_layout;

/* Filled at arming time, read-only afterwards. */
extern hotspot_code_layout hotspot_code;

typedef enum { BLOB_OTHER = 0, BLOB_NMETHOD, BLOB_INTERPRETER } hotspot_blob_kind;

/* What a frame step needs of the CodeBlob that holds a pc. */
typedef struct {
    uintptr_t start;              /* the CodeBlob itself */
    uintptr_t code_begin;
    uintptr_t code_end;
    int frame_size;               /* words; 0 for blobs without a fixed frame (the interpreter, most stubs) */
    int frame_complete;           /* offset from code_begin after which the frame is built, -1 if none */
    hotspot_blob_kind kind;
    const char *name;             /* HotSpot's name of the blob, or NULL when it could not be read */
} hotspot_blob;

/* 1 when pc lies in the code cache (JIT-compiled code, the interpreter, stubs). */
int hotspot_code_contains(uintptr_t pc);

/* The blob holding pc, found through its code heap's segment map. Returns 1 when found (and pc lies within its code),
 * 0 when not (no layout, pc in no heap, a free block, memory not readable). Async-signal-safe. */
int hotspot_blob_find(const memory_map *map, uintptr_t pc, hotspot_blob *out);

/* An nmethod's Method*, 0 when unreadable. */
uintptr_t hotspot_nmethod_method(const memory_map *map, const hotspot_blob *blob);

/* An nmethod's compilation level (1-3 C1, 4 C2), -1 when unreadable. */
int hotspot_nmethod_level(const memory_map *map, const hotspot_blob *blob);

/* 1 when the Method is a native method, 0 when not, -1 when unreadable. */
int hotspot_method_is_native(const memory_map *map, uintptr_t method);

/* The bytecode index of bcp in the method, -1 when bcp is not one of its bytecodes (or unreadable): also how an
 * interpreted frame's Method* is checked. */
int hotspot_method_bci(const memory_map *map, uintptr_t method, uintptr_t bcp);

/* The Method* a jmethodID stands for (a jmethodID is a Method** in HotSpot), 0 when unreadable. */
uintptr_t hotspot_method_of_id(const memory_map *map, const void *method_id);

/* One word of memory, read only if the map says it is readable; 1 when read. */
int hotspot_read_word(const memory_map *map, uintptr_t address, uintptr_t *out);

/* 1 when pc is StubRoutines::_call_stub_return_address: a Java frame returns there into the call stub. */
int hotspot_is_call_stub_return(uintptr_t pc);

/* NULL when the layout is known, else why not. */
const char *hotspot_code_problem(void);

#endif
