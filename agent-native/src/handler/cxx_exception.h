/* The C++ exception a thread was handling when it aborted: an exception nothing caught ends in
 * std::terminate, whose handler calls abort(); its type and what() are what the developer needs, and
 * the abort signal alone loses them. The C++ runtime (libstdc++) is usually loaded only with a JNI
 * library, after the agent armed, so arming/cxx_runtime.c looks it up again after every library load. */
#ifndef CRASHCAP_CXX_EXCEPTION_H
#define CRASHCAP_CXX_EXCEPTION_H

#include "bundle_writer.h"
#include "unwind_types.h"

typedef struct {
    const void *(*current_exception_type)(void); /* __cxa_current_exception_type: std::type_info* */
    void *(*get_globals)(void);                  /* __cxa_get_globals: the thread's caught exceptions */
    const void *std_exception_type;              /* typeinfo for std::exception (_ZTISt9exception) */
} cxx_runtime;

/* Published by arming/cxx_runtime.c: set once, complete, then never changed. */
void cxx_runtime_publish(const cxx_runtime *found);

/* Writes cxx.exceptionType (the mangled type name) and, when it is safe to ask, cxx.what, if the
 * thread is in the C++ runtime's terminate path with an exception at hand. Run under the fault guard. */
void cxx_exception_write(bundle_writer *w, const unwind_context *context, const void *ucontext);

#endif
