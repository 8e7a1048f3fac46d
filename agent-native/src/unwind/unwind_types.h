/* The unwinder's types, apart from its functions so that unwind/'s internal files (dwarf_cfi.h) can use
 * them without including unwind.h, whose functions they serve. */
#ifndef CRASHCAP_UNWIND_TYPES_H
#define CRASHCAP_UNWIND_TYPES_H

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

#endif
