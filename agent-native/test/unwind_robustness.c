/* Robustness tests of the unwinder, part of unwind_test (the harness, the memory map and the crash
 * tests are in unwind_test.c): random registers and stacks must never fault or loop, and every
 * .eh_frame_hdr table encoding must give the same steps as the real one. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "unwind.h"
#include "unwind_harness.h"

static unwind_status one_step(unwind_regs regs, int first_frame) {
    unwind_context ctx = {&map, modules, module_count};
    return unwind_step(&ctx, &regs, first_frame);
}

/* Deterministic pseudo-random numbers (xorshift64). */
static uint64_t random_state = 0x9e3779b97f4a7c15u;
static uint64_t next_random(void) {
    random_state ^= random_state << 13;
    random_state ^= random_state >> 7;
    random_state ^= random_state << 17;
    return random_state;
}

#define FUZZ_WORDS 8192
static uintptr_t fuzz_stack[FUZZ_WORDS];

/* An address somewhere in the executable mappings of libc or libunwindchain. */
static uintptr_t random_code_address(const module_info *a, const module_info *b) {
    const module_info *mod = (next_random() & 1) ? a : b;
    size_t tries;
    for (tries = 0; tries < 100; tries++) {
        uintptr_t addr = mod->base + (uintptr_t)(next_random() % (mod->end - mod->base));
        const map_entry *e = memory_map_find(&map, addr);
        if (e != NULL && (e->perms & MAP_PERM_X))
            return addr;
    }
    return mod->base;
}

void test_robustness(void) {
    printf("robustness: garbage registers must give an error status, never a crash\n");
    refresh_modules();
    long page = sysconf(_SC_PAGESIZE);
    char *hole = mmap(NULL, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *gone = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(gone, (size_t)page);
    refresh_modules();

    const uintptr_t bad_sps[] = {0, 8, 0x1000, (uintptr_t)hole, (uintptr_t)gone + 64, UINTPTR_MAX - 3,
                                 UINTPTR_MAX & ~(uintptr_t)7, (uintptr_t)1 << 47};
    size_t i;
    int all_errors = 1;
    for (i = 0; i < sizeof(bad_sps) / sizeof(bad_sps[0]); i++) {
        unwind_regs regs = chain_crash_regs;  /* pc in chain_level3 */
        regs.sp = bad_sps[i];
        regs.r[ARCH_DWARF_SP] = bad_sps[i];
        unwind_status status = one_step(regs, 1);
        if (status != UNWIND_BAD_MEMORY) {
            printf("    sp=0x%lx: %s\n", (unsigned long)bad_sps[i], unwind_status_name(status));
            all_errors = 0;
        }
    }
    check(all_errors, "pc in chain_level3 with %zu unreadable stack pointers: bad-memory every time",
          sizeof(bad_sps) / sizeof(bad_sps[0]));

    unwind_regs regs = chain_crash_regs;
    regs.pc = 0x1234;
    check(one_step(regs, 0) == UNWIND_NO_MODULE, "pc 0x1234 (not first frame): no-module");
    regs.pc = 1;
    check(one_step(regs, 0) == UNWIND_NO_MODULE, "pc 1 (not first frame): no-module");
    regs.pc = 0;
    regs.sp = (uintptr_t)hole;
    check(one_step(regs, 1) == UNWIND_BAD_MEMORY, "pc 0 on the first frame with an unreadable sp: bad-memory");
    uintptr_t zero_word = 0;
    regs.sp = (uintptr_t)&zero_word;
    check(one_step(regs, 1) == UNWIND_END, "pc 0 on the first frame returning to 0: end");
    const module_info *chain = module_list_find(modules, module_count, (uintptr_t)chain_level1);
    regs = chain_crash_regs;
    regs.pc = chain->base + 0x10;  /* inside the ELF header: a module, but no FDE */
    check(one_step(regs, 0) == UNWIND_NO_CFI, "pc in a module but outside any FDE: no-cfi");

    /* Fuzz: stacks full of random words, code pointers and pointers into the stack itself. */
    const module_info *libc = module_list_find(modules, module_count, (uintptr_t)getpid);
    unsigned counts[UNWIND_NO_PROGRESS + 1] = {0};
    unsigned walks = 0, steps = 0, unknown = 0;
    for (walks = 0; walks < 3000; walks++) {
        size_t w;
        for (w = 0; w < FUZZ_WORDS; w++) {
            uint64_t kind = next_random() % 4;
            if (kind == 0)
                fuzz_stack[w] = (uintptr_t)next_random();
            else if (kind == 1)
                fuzz_stack[w] = random_code_address(libc, chain);
            else if (kind == 2)
                fuzz_stack[w] = (uintptr_t)&fuzz_stack[next_random() % FUZZ_WORDS];
            else
                fuzz_stack[w] = (uintptr_t)(next_random() % 256);
        }
        for (i = 0; i < ARCH_DWARF_REGS; i++)
            regs.r[i] = (next_random() & 1) ? (uintptr_t)&fuzz_stack[next_random() % FUZZ_WORDS]
                                            : (uintptr_t)next_random();
        regs.valid = next_random();
        regs.pc = random_code_address(libc, chain);
        regs.sp = (uintptr_t)&fuzz_stack[next_random() % (FUZZ_WORDS / 2)];
        regs.pc_exact = (int)(next_random() & 1);
        unwind_context ctx = {&map, modules, module_count};
        unwind_status status = UNWIND_OK;
        int depth;
        for (depth = 0; depth < MAX_FRAMES && status == UNWIND_OK; depth++, steps++)
            status = unwind_step(&ctx, &regs, depth == 0 && (next_random() & 1));
        if ((unsigned)status <= UNWIND_NO_PROGRESS)
            counts[status]++;
        else
            unknown++;
    }
    printf("    fuzz stops:");
    for (i = 0; i <= UNWIND_NO_PROGRESS; i++)
        printf(" %s=%u", unwind_status_name((unwind_status)i), counts[i]);
    printf("\n");
    check(unknown == 0, "%u fuzzed walks (%u steps) ended without a crash, every status known", walks, steps);
    munmap(hole, (size_t)page);
}

/* A fake return address area: every word is a return address into chain_level1. */
static uintptr_t fake_stack[64];
static uint8_t fake_hdr[32 + 16 * 1024];

/* Compares one step with the real .eh_frame_hdr against one with a rewritten copy, for every pc of
 * libunwindchain's code. */
static int same_steps_with_header(const module_info *real, const uint8_t *header, const char *what) {
    module_info fake = *real;
    fake.eh_frame_hdr = (uintptr_t)header;
    unwind_context real_ctx = {&map, modules, module_count};
    unwind_context fake_ctx = {&map, &fake, 1};
    size_t i;
    unsigned compared = 0, ok_steps = 0, differences = 0;
    for (i = 0; i < map.count; i++) {
        const map_entry *e = &map.entries[i];
        if (!(e->perms & MAP_PERM_X) || e->start < real->base || e->end > real->end)
            continue;
        uintptr_t pc;
        for (pc = e->start; pc < e->end; pc++) {
            unwind_regs a;
            memset(&a, 0, sizeof(a));
            a.valid = ~(uint64_t)0 >> (64 - ARCH_DWARF_REGS);
            a.pc = pc;
            a.sp = (uintptr_t)&fake_stack[8];
            a.pc_exact = 1;
            unwind_regs b = a;
            unwind_status sa = unwind_step(&real_ctx, &a, 1);
            unwind_status sb = unwind_step(&fake_ctx, &b, 1);
            compared++;
            ok_steps += sa == UNWIND_OK;
            if (sa != sb || (sa == UNWIND_OK && (a.pc != b.pc || a.sp != b.sp)))
                differences++;
        }
    }
    check(differences == 0 && ok_steps > 50, "%s: %u pcs, %u unwound, same results as the real header (%u differ)",
          what, compared, ok_steps, differences);
    return differences == 0;
}

void test_eh_frame_hdr_variants(void) {
    printf(".eh_frame_hdr variants (rewritten copies of libunwindchain's)\n");
    refresh_modules();
    const module_info *chain = module_list_find(modules, module_count, (uintptr_t)chain_level1);
    const uint8_t *hdr = chain ? (const uint8_t *)chain->eh_frame_hdr : NULL;
    size_t i;
    for (i = 0; i < sizeof(fake_stack) / sizeof(fake_stack[0]); i++)
        fake_stack[i] = (uintptr_t)chain_level1 + 9;
    /* What GNU ld writes: pcrel|sdata4 .eh_frame pointer, udata4 count, datarel|sdata4 table. */
    if (hdr == NULL || hdr[0] != 1 || hdr[1] != 0x1b || hdr[2] != 0x03 || hdr[3] != 0x3b) {
        check(0, "libunwindchain's .eh_frame_hdr has the usual encodings");
        return;
    }
    int32_t relative;
    uint32_t count;
    memcpy(&relative, hdr + 4, sizeof(relative));
    memcpy(&count, hdr + 8, sizeof(count));
    uintptr_t eh_frame = (uintptr_t)(hdr + 4) + (uintptr_t)(intptr_t)relative;
    uint64_t eh_frame_value = eh_frame;
    uint64_t count_value = count;

    /* No search table at all: the unwinder has to walk .eh_frame. */
    memset(fake_hdr, 0, sizeof(fake_hdr));
    fake_hdr[0] = 1;
    fake_hdr[1] = 0x04;  /* udata8, absolute */
    fake_hdr[2] = 0xff;  /* omit */
    fake_hdr[3] = 0xff;
    memcpy(fake_hdr + 4, &eh_frame_value, 8);
    same_steps_with_header(chain, fake_hdr, "no table (linear scan of .eh_frame)");

    /* A table of absolute udata8 pairs instead of datarel|sdata4. */
    if (count > 1024) {
        check(0, "table small enough to copy (%u)", count);
        return;
    }
    fake_hdr[2] = 0x04;
    fake_hdr[3] = 0x04;
    memcpy(fake_hdr + 12, &count_value, 8);
    for (i = 0; i < count; i++) {
        int32_t pair[2];
        memcpy(pair, hdr + 12 + 8 * i, sizeof(pair));
        uint64_t absolute[2] = {(uint64_t)((uintptr_t)hdr + (uintptr_t)(intptr_t)pair[0]),
                                (uint64_t)((uintptr_t)hdr + (uintptr_t)(intptr_t)pair[1])};
        memcpy(fake_hdr + 20 + 16 * i, absolute, sizeof(absolute));
    }
    same_steps_with_header(chain, fake_hdr, "udata8 absolute table (generic binary search)");

    /* A table in an encoding that cannot be indexed (uleb128) falls back to the scan. */
    fake_hdr[3] = 0x01;
    same_steps_with_header(chain, fake_hdr, "uleb128 table (falls back to the scan)");
}
