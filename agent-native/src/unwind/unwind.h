/* DWARF CFI (.eh_frame) unwinder that runs inside a signal handler: no malloc, no locks, every memory
 * read checked against the memory map first. Frame pointers are never needed. */
#ifndef CRASHCAP_UNWIND_H
#define CRASHCAP_UNWIND_H

#include "arch.h"
#include "elf_image.h"
#include "memory_map.h"

typedef enum {
    UNWIND_OK = 0,            /* regs now describe the caller */
    UNWIND_END,               /* outermost frame reached (return address undefined, or pc 0) */
    UNWIND_NO_MODULE,         /* pc is in no known module (JIT code, interpreter, garbage) */
    UNWIND_NO_CFI,            /* the module has no .eh_frame_hdr or no FDE covers pc */
    UNWIND_BAD_CFI,           /* CFI we could not parse or evaluate */
    UNWIND_BAD_MEMORY,        /* a read the rules needed was outside readable memory */
    UNWIND_NO_PROGRESS        /* the stack pointer did not move up: stop rather than loop */
} unwind_status;

typedef struct {
    const memory_map *map;
    const module_info *modules;
    size_t module_count;
} unwind_context;

/* Moves regs from one frame to its caller. `first_frame` is 1 for the frame the signal interrupted
 * (its pc is the faulting instruction itself; for callers pc-1 is looked up, since pc is a return
 * address). */
unwind_status unwind_step(const unwind_context *ctx, unwind_regs *regs, int first_frame);

/* A short lower-case word for a status, for the bundle ("ok", "end", "no-module", ...). */
const char *unwind_status_name(unwind_status status);

#endif
