#include "context_prepare.h"

#include "host_context.h"
#include "vm_context.h"

void context_prepare(void *jvm_function) {
    vm_context_prepare(jvm_function);
    host_context_prepare();
}
