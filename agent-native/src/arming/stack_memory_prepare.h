#ifndef CRASHCAP_STACK_MEMORY_PREPARE_H
#define CRASHCAP_STACK_MEMORY_PREPARE_H

#include <stddef.h>

/* Before the handlers are installed: bytes of stack each thread and the crashing thread keep at a capture (the
 * agent option stack-memory), and the limit no copy crosses (stack_memory.h). */
void stack_memory_prepare(size_t each_thread, size_t crashing_thread);

#endif
