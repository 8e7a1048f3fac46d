/* What unwind_test.c shares with unwind_robustness.c: the memory map and modules of this process, the
 * registers of a real crash in libunwindchain.so, and the check counter. */
#ifndef CRASHCAP_UNWIND_HARNESS_H
#define CRASHCAP_UNWIND_HARNESS_H

#include <stddef.h>

#include "elf_image.h"
#include "memory_map.h"
#include "unwind.h"

/* test/unwind_chain.c */
int chain_level1(int mode);
int chain_level2(int mode);
int chain_level3(int mode);

#define MAX_MODULES 1024
#define MAX_FRAMES 64

extern memory_map map;
extern module_info modules[MAX_MODULES];
extern size_t module_count;
extern unwind_regs chain_crash_regs; /* the registers at the null store in chain_level3 */

/* Counts a check; prints the message when it fails. */
void check(int ok, const char *fmt, ...);
/* Reads the memory map and the module list again. Returns 0 on failure. */
int refresh_modules(void);

void test_robustness(void);
void test_eh_frame_hdr_variants(void);

#endif
