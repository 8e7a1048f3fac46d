/* stacks.bin: every thread's registers and the top of its stack, next to capture.txt in the bundle
 * (docs/capture-format.md, "stacks.bin"). Written by the capture owner, async-signal-safe. */
#ifndef CRASHCAP_STACK_MEMORY_FILE_H
#define CRASHCAP_STACK_MEMORY_FILE_H

#include "stack_memory.h"
#include "thread_stack.h"

#define STACK_MEMORY_FILE "stacks.bin"

/* Writes <bundle_dir>/stacks.bin: the crashing thread first (crashing_tid and its memory; none for a live
 * snapshot: crashing NULL), then every thread of `threads` that answered, in tid order; fsynced. A thread
 * that did not answer is left out. Returns the file's size and sets *thread_count, or -1 when the file could
 * not be written completely. */
int64_t stack_memory_file_write(const char *bundle_dir, int crashing_tid, const stack_memory *crashing,
                                const thread_stack_set *threads, int *thread_count);

#endif
