/* arming/vm_structs.c against a real libjvm.so (the JDK the build uses), loaded RTLD_LOCAL the way an
 * embedding launcher may load it: the tables must be found through the library of a JVM function, and
 * the entries crashcap relies on read as HotSpot declares them. No JVM is started: the tables are static
 * data, complete once the library is loaded. Usage: vm_structs_test <path of libjvm.so> */
#include <dlfcn.h>
#include <stdint.h>

#include "check.h"
#include "vm_structs.h"

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: vm_structs_test <libjvm.so>\n");
        return 2;
    }
    CHECK(vm_structs_field("JavaThread", "_thread_state", &(uint64_t){ 0 }, &(const char *){ NULL }) == 0);
    void *libjvm = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (libjvm == NULL) {
        fprintf(stderr, "cannot load %s: %s\n", argv[1], dlerror());
        return 1;
    }
    CHECK(vm_structs_open(NULL) != NULL); /* RTLD_LOCAL: not visible to a process-wide dlsym */
    const char *problem = vm_structs_open(dlsym(libjvm, "JNI_GetCreatedJavaVMs"));
    CHECK(problem == NULL);
    if (problem != NULL) fprintf(stderr, "vm_structs_open: %s\n", problem);

    uint64_t offset = 0, size = 0, java_thread_size = 0;
    const char *type = NULL;
    CHECK(vm_structs_type_size("JavaThread", &java_thread_size) && java_thread_size > 256);
    CHECK(vm_structs_field("JavaThread", "_thread_state", &offset, &type));
    CHECK(type != NULL && strcmp(type, "JavaThreadState") == 0);
    CHECK(offset > 0 && offset + 4 <= java_thread_size);
    CHECK(vm_structs_type_size("JavaThreadState", &size) && size == 4);
    CHECK(vm_structs_field("OSThread", "_thread_id", &offset, &type));
    CHECK(type != NULL && vm_structs_type_size(type, &size) && size == 4);
    CHECK(vm_structs_field("JavaThread", "_osthread", &offset, &type) ||
          vm_structs_field("Thread", "_osthread", &offset, &type));
    CHECK(type != NULL && strcmp(type, "OSThread*") == 0);

    CHECK(!vm_structs_field("JavaThread", "_no_such_field", &offset, &type));
    CHECK(!vm_structs_field("NoSuchType", "_thread_state", &offset, &type));
    CHECK(!vm_structs_type_size("NoSuchType", &size));
    CHECK(vm_structs_open(NULL) == NULL); /* found once: kept */

    int32_t in_native = -1, blocked = -1;
    CHECK(vm_structs_int_constant("_thread_in_native", &in_native) && in_native == 4);
    CHECK(vm_structs_int_constant("_thread_blocked", &blocked) && blocked == 10);

    /* The flag table (handler/vm_context.c walks it at a crash): static data, complete once libjvm is loaded. */
    void *flags = NULL, *count = NULL;
    uint64_t flag_size = 0, name_offset = 0;
    CHECK(vm_structs_static_address("JVMFlag", "flags", &flags, &type) && type != NULL && strcmp(type, "JVMFlag*") == 0);
    CHECK(vm_structs_static_address("JVMFlag", "numFlags", &count, &type) && type != NULL && strcmp(type, "size_t") == 0);
    CHECK(vm_structs_type_size("JVMFlag", &flag_size) && flag_size >= 24);
    CHECK(vm_structs_field("JVMFlag", "_name", &name_offset, &type));
    CHECK(vm_structs_field("JVMFlag", "_type", &offset, &type) && type != NULL && strcmp(type, "int") == 0);
    CHECK(vm_structs_field("JVMFlag", "_flags", &offset, &type));
    CHECK(!vm_structs_static_address("JVMFlag", "_name", &flags, &type)); /* not static */
    if (flags != NULL && count != NULL && flag_size > 0) {
        const char *table = *(const char **)flags;
        size_t total = *(const size_t *)count;
        int found_g1 = 0;
        CHECK(table != NULL && total > 500 && total < 10000);
        for (size_t i = 0; table != NULL && i < total; i++) {
            const char *name = *(const char *const *)(table + i * flag_size + name_offset);
            if (name != NULL && strcmp(name, "UseG1GC") == 0) found_g1 = 1;
        }
        CHECK(found_g1);
    }
    void *heap = NULL;
    CHECK(vm_structs_static_address("Universe", "_collectedHeap", &heap, &type) && heap != NULL);
    CHECK(vm_structs_field("CollectedHeap", "_reserved", &offset, &type) && strcmp(type, "MemRegion") == 0);
    CHECK(vm_structs_field("MemRegion", "_start", &offset, &type));
    CHECK(vm_structs_field("MemRegion", "_word_size", &offset, &type));

    /* What is not there is not found. */
    CHECK(!vm_structs_field("JavaThread", "_no_such_field", &offset, &type));
    CHECK(!vm_structs_field("NoSuchType", "_thread_state", &offset, &type));
    CHECK(!vm_structs_type_size("NoSuchType", &size));
    CHECK(!vm_structs_int_constant("_no_such_constant", &in_native));
    return check_report("vm_structs_test");
}
