/* DWARF CFI (.eh_frame) unwinder that runs inside a signal handler: no malloc, no locks, every memory
 * read checked against the memory map first. Frame pointers are never needed. */
#ifndef CRASHCAP_UNWIND_H
#define CRASHCAP_UNWIND_H

#include "unwind_types.h"

/* Moves regs from one frame to its caller. `first_frame` is 1 for the frame the signal interrupted
 * (its pc is the faulting instruction itself; for callers pc-1 is looked up, since pc is a return
 * address). */
unwind_status unwind_step(const unwind_context *ctx, unwind_regs *regs, int first_frame);

/* A short lower-case word for a status, for the bundle ("ok", "end", "no-module", ...). */
const char *unwind_status_name(unwind_status status);

#endif
