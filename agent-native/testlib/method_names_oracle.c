/* libcrashcapnames.so: crashcap's naming of Java methods from HotSpot's structures (handler/java_method_name.c,
 * with its layout read and checked by arming/java_method_layout.c), called from Java for a test that compares it
 * with reflection and StackWalker (dev.crashcap.testapp.MethodNamesOracle): an oracle that shares no code with it.
 * A test library only: the same sources as libcrashcap.so, linked on their own. */
#include <jni.h>
#include <jvmti.h>
#include <stdio.h>
#include <stdlib.h>

#include "java_method_layout.h"
#include "scratch_map.h"
#include "java_method_name.h"
#include "memory_map.h"

#define EXPORT __attribute__((visibility("default"), noinline))
#define MAP_ENTRIES 65536
#define MAP_PATHS (4u << 20)

/* Null when the layout is usable, else why not. */
EXPORT JNIEXPORT jstring JNICALL Java_dev_crashcap_testapp_MethodNamesOracle_prepare(JNIEnv *jni, jclass cls) {
    JavaVM *vm;
    jvmtiEnv *jvmti;
    if ((*jni)->GetJavaVM(jni, &vm) != JNI_OK || (*vm)->GetEnv(vm, (void **)&jvmti, JVMTI_VERSION_1_2) != JNI_OK) {
        return (*jni)->NewStringUTF(jni, "no JVMTI");
    }
    memory_map map;
    int have_map = scratch_map_read(&map) == 0;
    java_method_layout_prepare(jni, jvmti, have_map ? &map : NULL);
    if (have_map) scratch_map_release(&map);
    const char *problem = java_method_layout_problem();
    return problem == NULL ? NULL : (*jni)->NewStringUTF(jni, problem);
}

/* "class\tmethod\tline\tsource" for a reflected method or constructor and a bytecode index, or null when
 * crashcap cannot name it. The memory map is read afresh for each call, as a capture reads it. */
EXPORT JNIEXPORT jstring JNICALL Java_dev_crashcap_testapp_MethodNamesOracle_name(JNIEnv *jni, jclass cls,
                                                                                  jobject reflected, jint bci) {
    jmethodID id = (*jni)->FromReflectedMethod(jni, reflected);
    memory_map map = { 0 };
    char *line = malloc(4096);
    map.entries = malloc(MAP_ENTRIES * sizeof(map_entry));
    map.paths = malloc(MAP_PATHS);
    map.capacity = MAP_ENTRIES;
    map.paths_capacity = MAP_PATHS;
    java_method_name *name = malloc(sizeof *name);
    jstring answer = NULL;
    if (id != NULL && line && map.entries && map.paths && name && memory_map_read(&map, line, 4096) == 0) {
        uintptr_t method = java_method_from_id(&map, id);
        if (method != 0 && java_method_name_read(&map, method, bci, name)) {
            char text[JAVA_CLASS_NAME_MAX + JAVA_METHOD_NAME_MAX + JAVA_SOURCE_FILE_MAX + 32];
            snprintf(text, sizeof text, "%s\t%s\t%d\t%s", name->class_name, name->method_name, name->line,
                     name->source_file);
            answer = (*jni)->NewStringUTF(jni, text);
        }
    }
    free(name);
    free(map.paths);
    free(map.entries);
    free(line);
    return answer;
}
