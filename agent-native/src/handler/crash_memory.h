/* Memory around the crash, for the report's context (what hs_err shows as "Top of Stack", "Instructions" and
 * "Register to memory mapping"): the first bytes of the crashing thread's stack from sp, the bytes around the
 * faulting pc (so the instruction can be disassembled), and for each register the mapping its value lies in, and
 * the thread whose JavaThread it is, if it is one (from the thread registry: no JVM call).
 * The reader turns the mappings into "in libfoo.so (function+0x12)", "on the stack of thread X", "in the heap"
 * with the modules and thread stacks the bundle already holds. Every read is checked against the memory map
 * read at the crash, and the whole section runs under the capture's fault guard. Minidumps copy whole stacks
 * elsewhere; this is the small fixed part every report shows. */
#ifndef CRASHCAP_CRASH_MEMORY_H
#define CRASHCAP_CRASH_MEMORY_H

#include "bundle_writer.h"
#include "memory_map.h"

#define CRASH_MEMORY_STACK_BYTES 256
#define CRASH_MEMORY_PC_BEFORE 64
#define CRASH_MEMORY_PC_AFTER 64

/* In the handler, on the crashing thread: the "crash-memory" section for the registers of ucontext. */
void crash_memory_write(bundle_writer *w, const memory_map *map, const void *ucontext);

#endif
