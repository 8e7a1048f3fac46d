/* Arming the stack copies (handler/stack_memory.c): where the block of command-line and environment strings
 * begins at the top of the main thread's stack, which no copy may reach (the environment holds secrets; bundles
 * get them only redacted, from the header). */
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>

#include "proc.h"
#include "stack_memory.h"
#include "stack_memory_prepare.h"

/* The lowest of: the start of the argv strings (/proc/self/stat field 48, arg_start, Linux 3.5+; the environment
 * strings follow them) and the 16 random bytes of AT_RANDOM the kernel puts just below them. 0 if neither. */
static uintptr_t process_block(void) {
    uintptr_t lowest = 0;
    char stat[4096];
    if (proc_read_file("/proc/self/stat", stat, sizeof stat) > 0) {
        const char *field = proc_stat_field(stat, 48);
        if (field != NULL) lowest = (uintptr_t)strtoull(field, NULL, 10);
    }
    uintptr_t random = (uintptr_t)getauxval(AT_RANDOM);
    if (random != 0 && (lowest == 0 || random < lowest)) lowest = random;
    return lowest;
}

void stack_memory_prepare(void) {
    stack_memory_set_process_block(process_block());
}
