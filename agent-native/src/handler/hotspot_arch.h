/* The processor-dependent half of the walk through Java frames: how HotSpot lays out an interpreted frame, a frame of
 * fixed size (compiled code, native wrappers, runtime stubs) and the call stub's frame on this processor
 * (frame_<arch>.hpp). One file per architecture: hotspot_arch_x86_64.c; hotspot_arch_aarch64.c, where the walk is
 * not implemented (every step fails and the Java frames come from AsyncGetCallTrace alone, as before). Each step
 * moves regs (pc, sp and the frame pointer) to the caller and returns 1, or returns 0 and leaves regs alone when a
 * read is impossible or the result is implausible. Async-signal-safe. */
#ifndef CRASHCAP_HOTSPOT_ARCH_H
#define CRASHCAP_HOTSPOT_ARCH_H

#include <stdint.h>

#include "arch.h"
#include "memory_map.h"

/* An interpreted frame: its Method* and bytecode pointer (the frame pointer register is the frame's). */
int hotspot_arch_interpreted_step(const memory_map *map, unwind_regs *regs, uintptr_t *method, uintptr_t *bcp);

/* A frame of frame_words words, pc past the frame's set-up. */
int hotspot_arch_fixed_step(const memory_map *map, unwind_regs *regs, int frame_words);

/* The call stub's frame (an entry frame): to the C++ function that called into Java (JavaCalls::call_helper). */
int hotspot_arch_entry_step(const memory_map *map, unwind_regs *regs);

#endif
