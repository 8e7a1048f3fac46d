#include "cxx_runtime.h"

#include <dlfcn.h>

#include "cxx_exception.h"

static int found_already;

void cxx_runtime_resolve(void) {
    if (found_already) return;
    /* RTLD_NOLOAD: only a libstdc++ the process already has (the JVM itself links it statically, so it is
     * there once a C++ library is). The handle is kept, never closed: the functions stay mapped as long as
     * the handler may call them. dlsym is not async-signal-safe, so this runs here, not at a crash. */
    void *library = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_NOLOAD);
    if (library == NULL) return;
    cxx_runtime found = {
        (const void *(*)(void))dlsym(library, "__cxa_current_exception_type"),
        (void *(*)(void))dlsym(library, "__cxa_get_globals"),
        dlsym(library, "_ZTISt9exception"),
    };
    if (found.current_exception_type == NULL) return;
    cxx_runtime_publish(&found);
    found_already = 1;
}
