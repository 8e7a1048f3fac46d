/* handler/hotspot_code.c and hotspot_arch_x86_64.c against a code heap and a stack built here by hand, laid out as
 * HotSpot lays them out (heap.hpp, codeBlob.hpp, frame_x86.hpp): a block found from any of its segments through the
 * segment map (also more than 254 segments away, which takes several hops), free segments and pcs outside a blob's
 * code found nowhere, blob kinds, a method's bytecode index, and one step through an interpreted frame, a compiled
 * frame and the call stub. The real layouts are checked against live JVMs by MixedStackIT. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "hotspot_arch.h"
#include "hotspot_code.h"

#define SEGMENT 64
#define SEGMENTS 1024
#define HEADER 16

/* Where this test puts the CodeBlob fields (JDK 17 style: code bounds are addresses). */
enum { NAME = 0, FRAME_SIZE = 8, FRAME_COMPLETE = 12, CODE_BEGIN = 16, CODE_END = 24, METHOD = 32, LEVEL = 40 };

static _Alignas(64) unsigned char heap[SEGMENT * SEGMENTS];
static unsigned char segmap[SEGMENTS];

/* A used block of `length` segments at `first`, marked as HotSpot marks it: 0, then 1..254 over and over. */
static uintptr_t block(size_t first, size_t length, const char *name, int frame_size) {
    for (size_t i = 0; i < length; i++) segmap[first + i] = (unsigned char)(i == 0 ? 0 : 1 + (i - 1) % 254);
    uintptr_t blob = (uintptr_t)heap + first * SEGMENT + HEADER;
    uintptr_t begin = blob + 64, end = (uintptr_t)heap + (first + length) * SEGMENT;
    int32_t complete = 8;
    memcpy((void *)(blob + NAME), &name, sizeof name);
    memcpy((void *)(blob + FRAME_SIZE), &frame_size, 4);
    memcpy((void *)(blob + FRAME_COMPLETE), &complete, 4);
    memcpy((void *)(blob + CODE_BEGIN), &begin, 8);
    memcpy((void *)(blob + CODE_END), &end, 8);
    return blob;
}

int main(void) {
    static map_entry entries[8192];
    static char paths[1 << 20];
    char line[4096];
    memset(segmap, 0xFF, sizeof segmap);
    uintptr_t small = block(0, 3, "nmethod", 6);
    uintptr_t big = block(3, 600, "Interpreter", 0);
    uintptr_t stub = block(603, 2, "StubRoutines (1)", 0);
    hotspot_code = (hotspot_code_layout){
        .ready = 1, .low_bound = (uintptr_t)heap, .high_bound = (uintptr_t)heap + sizeof heap, .heap_count = 1,
        .heaps = { { (uintptr_t)heap, (uintptr_t)heap + sizeof heap, (uintptr_t)segmap, 6 } },
        .heap_block_size = HEADER, .blob_name = NAME, .blob_frame_size = FRAME_SIZE,
        .blob_frame_complete = FRAME_COMPLETE, .frame_complete_bytes = 4, .blob_code_begin = CODE_BEGIN,
        .blob_code_end = CODE_END, .nmethod_method = METHOD, .nmethod_comp_level = LEVEL, .comp_level_bytes = 4,
        .interpreter_low = big + 64, .interpreter_high = (uintptr_t)heap + 603 * SEGMENT,
        .call_stub_return = stub + 100, .method_const_method = 8, .method_access_flags = 16, .access_flags_bytes = 4,
        .const_method_size = 48, .const_method_code_size = 32,
    };
    memory_map map = { entries, 8192, 0, paths, sizeof paths, 0, 0 };
    CHECK(memory_map_read(&map, line, sizeof line) == 0);

    hotspot_blob found;
    CHECK(hotspot_blob_find(&map, small + 70, &found) && found.start == small && found.kind == BLOB_NMETHOD);
    CHECK(found.frame_size == 6 && found.frame_complete == 8 && found.code_begin == small + 64);
    CHECK(!hotspot_blob_find(&map, small + 10, &found)); /* the blob's header, not its code */
    uintptr_t deep = (uintptr_t)heap + 500 * SEGMENT + 8; /* 497 segments into the block: two hops back */
    CHECK(hotspot_blob_find(&map, deep, &found) && found.start == big && found.kind == BLOB_INTERPRETER);
    CHECK(hotspot_blob_find(&map, stub + 100, &found) && found.start == stub && found.kind == BLOB_OTHER);
    CHECK(!hotspot_blob_find(&map, (uintptr_t)heap + 700 * SEGMENT, &found)); /* a free segment */
    CHECK(!hotspot_blob_find(&map, (uintptr_t)heap - 8, &found));            /* outside the code cache */
    CHECK(hotspot_is_call_stub_return(stub + 100) && !hotspot_is_call_stub_return(stub + 101));

    /* A Method, its ConstMethod and 10 bytecodes: bcp to bytecode index, and what is not one of its bytecodes. */
    static uint64_t method[4], const_method[16];
    const_method[4] = 10; /* _code_size (u2) at 32 */
    method[1] = (uintptr_t)const_method;
    uintptr_t code = (uintptr_t)const_method + 48;
    CHECK(hotspot_method_bci(&map, (uintptr_t)method, code + 7) == 7);
    CHECK(hotspot_method_bci(&map, (uintptr_t)method, code + 10) == -1);
    CHECK(hotspot_method_bci(&map, (uintptr_t)method, code - 1) == -1);
    CHECK(hotspot_method_is_native(&map, (uintptr_t)method) == 0);
    method[2] = 0x100; /* JVM_ACC_NATIVE */
    CHECK(hotspot_method_is_native(&map, (uintptr_t)method) == 1);
    uintptr_t id = (uintptr_t)method; /* a jmethodID points at the Method* */
    CHECK(hotspot_method_of_id(&map, &id) == (uintptr_t)method);

#if defined(__x86_64__)
    /* An interpreted frame at fp = stack[20]: Method* at fp-24, bcp at fp-64, sender sp at fp-8, caller's rbp at fp,
     * return pc at fp+8. */
    static uintptr_t stack[64];
    uintptr_t fp = (uintptr_t)&stack[20];
    stack[17] = (uintptr_t)method;
    stack[12] = code + 3;
    stack[19] = (uintptr_t)&stack[26];
    stack[20] = (uintptr_t)&stack[40];
    stack[21] = small + 80;
    unwind_regs regs = { .sp = (uintptr_t)&stack[10], .pc = big + 200, .valid = 1u << 6 };
    regs.r[6] = fp;
    uintptr_t m = 0, bcp = 0;
    CHECK(hotspot_arch_interpreted_step(&map, &regs, &m, &bcp));
    CHECK(m == (uintptr_t)method && bcp == code + 3);
    CHECK(regs.pc == small + 80 && regs.sp == (uintptr_t)&stack[26] && regs.r[6] == (uintptr_t)&stack[40]);
    /* The compiled caller: 6 words; return pc and saved rbp are the top two. */
    stack[31] = stub + 100;
    stack[30] = (uintptr_t)&stack[50];
    CHECK(hotspot_arch_fixed_step(&map, &regs, 6));
    CHECK(regs.pc == stub + 100 && regs.sp == (uintptr_t)&stack[32] && regs.r[6] == (uintptr_t)&stack[50]);
    /* The call stub's rbp frame, back to C. */
    stack[51] = (uintptr_t)&main;
    stack[50] = (uintptr_t)&stack[60];
    CHECK(hotspot_arch_entry_step(&map, &regs));
    CHECK(regs.pc == (uintptr_t)&main && regs.sp == (uintptr_t)&stack[52] && regs.r[6] == (uintptr_t)&stack[60]);
    /* A frame pointer below sp is not a frame's: refused, regs unchanged. */
    unwind_regs wrong = { .sp = (uintptr_t)&stack[30], .pc = big + 200, .valid = 1u << 6 };
    wrong.r[6] = (uintptr_t)&stack[20];
    CHECK(!hotspot_arch_interpreted_step(&map, &wrong, &m, &bcp) && wrong.sp == (uintptr_t)&stack[30]);
#endif
    return check_report("hotspot_code_test");
}
