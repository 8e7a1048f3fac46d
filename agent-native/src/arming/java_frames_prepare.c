#include <dlfcn.h>

#include "java_frames.h"

void java_frames_prepare(JavaVM *vm) {
    java_frames_use(vm, (asgct_function)dlsym(RTLD_DEFAULT, "AsyncGetCallTrace"));
}
