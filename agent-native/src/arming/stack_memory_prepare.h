#ifndef CRASHCAP_STACK_MEMORY_PREPARE_H
#define CRASHCAP_STACK_MEMORY_PREPARE_H

#include <stddef.h>

/* Before the handlers are installed (capture_prepare): the limit no stack copy crosses (stack_memory.h). */
void stack_memory_prepare(void);

#endif
