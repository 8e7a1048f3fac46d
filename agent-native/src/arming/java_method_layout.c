#include "java_method_layout.h"

#include <stdlib.h>
#include <string.h>

#include "java_method_name.h"
#include "memory_map.h"
#include "text.h"
#include "vm_structs.h"

/* ---- offsets ---------------------------------------------------------------------------------- */

/* type::field, of `size` bytes (0: any), inside an object of object_size bytes. The size is the declared C
 * type's: a pointer for "...*", else what gHotSpotVMTypes says of the type. */
static int field_of(const char *type, const char *field, uint64_t size, uint64_t object_size, uint64_t *offset) {
    const char *type_string = NULL;
    uint64_t field_size = 0;
    if (!vm_structs_field(type, field, offset, &type_string) || type_string == NULL) return 0;
    if (strchr(type_string, '*') != NULL) field_size = sizeof(void *);
    else if (size != 0 && !vm_structs_type_size(type_string, &field_size)) return 0;
    if (size != 0 && field_size != size) return 0;
    return *offset + (size ? size : 1) <= object_size;
}

static const char *read_offsets(JNIEnv *jni, hotspot_method_layout *l) {
    const char *problem = vm_structs_open((void *)(*jni)->GetVersion);
    if (problem != NULL) return problem;
    uint64_t symbol_size = 0, klass_size = 0;
    if (!vm_structs_type_size("Method", &l->method_size) ||
        !vm_structs_type_size("ConstMethod", &l->const_method_struct_size) ||
        !vm_structs_type_size("ConstantPool", &l->pool_struct_size) ||
        !vm_structs_type_size("InstanceKlass", &l->instance_klass_size) ||
        !vm_structs_type_size("Klass", &klass_size) || !vm_structs_type_size("Symbol", &symbol_size)) {
        return "gHotSpotVMTypes lacks Method, ConstMethod, ConstantPool, Klass, InstanceKlass or Symbol";
    }
    const uint64_t P = sizeof(void *);
    if (!field_of("Method", "_constMethod", P, l->method_size, &l->method_const_method)) {
        return "gHotSpotVMStructs lacks a plausible Method::_constMethod";
    }
    uint64_t cm = l->const_method_struct_size;
    if (!field_of("ConstMethod", "_constants", P, cm, &l->const_method_constants) ||
        !field_of("ConstMethod", "_constMethod_size", 4, cm, &l->const_method_size_words) ||
        !field_of("ConstMethod", "_code_size", 2, cm, &l->const_method_code_size) ||
        !field_of("ConstMethod", "_name_index", 2, cm, &l->const_method_name_index) ||
        !field_of("ConstMethod", "_method_idnum", 2, cm, &l->const_method_idnum)) {
        return "gHotSpotVMStructs lacks a plausible ConstMethod field (_constants, _constMethod_size, _code_size, "
               "_name_index, _method_idnum)";
    }
    /* The flags: a u2 with ConstMethod's own constants on JDK 17, a ConstMethodFlags (u4) from JDK 21 on. */
    int32_t flag = 0;
    if (field_of("ConstMethod", "_flags._flags", 4, cm, &l->const_method_flags) &&
        vm_structs_int_constant("ConstMethodFlags::_misc_has_linenumber_table", &flag)) {
        l->const_method_flags_size = 4;
    } else if (field_of("ConstMethod", "_flags", 2, cm, &l->const_method_flags) &&
               vm_structs_int_constant("ConstMethod::_has_linenumber_table", &flag)) {
        l->const_method_flags_size = 2;
    } else {
        return "gHotSpotVMStructs lacks ConstMethod's flags or their has-line-number-table bit";
    }
    if (flag <= 0) return "ConstMethod's has-line-number-table bit is implausible";
    l->has_line_table_flag = (uint32_t)flag;
    if (!field_of("ConstantPool", "_pool_holder", P, l->pool_struct_size, &l->pool_holder) ||
        !field_of("ConstantPool", "_length", 4, l->pool_struct_size, &l->pool_length) ||
        !field_of("ConstantPool", "_source_file_name_index", 2, l->pool_struct_size, &l->pool_source_file_index)) {
        return "gHotSpotVMStructs lacks a plausible ConstantPool field (_pool_holder, _length, "
               "_source_file_name_index)";
    }
    if (!field_of("Klass", "_name", P, klass_size, &l->klass_name) ||
        !field_of("InstanceKlass", "_methods_jmethod_ids", P, l->instance_klass_size, &l->klass_jmethod_ids) ||
        !field_of("InstanceKlass", "_constants", P, l->instance_klass_size, &l->klass_constants)) {
        return "gHotSpotVMStructs lacks a plausible Klass::_name or InstanceKlass::_methods_jmethod_ids";
    }
    const char *ignored;
    if (!field_of("Symbol", "_length", 2, symbol_size, &l->symbol_length) ||
        !vm_structs_field("Symbol", "_body", &l->symbol_body, &ignored) || l->symbol_body >= symbol_size) {
        return "gHotSpotVMStructs lacks a plausible Symbol::_length or Symbol::_body";
    }
    return NULL;
}

/* ---- the check against JVMTI ------------------------------------------------------------------ */

typedef struct {
    int methods;                  /* methods named and compared */
    int line_entries;             /* line table entries compared */
    int line_mismatches[2];       /* by excluded byte: 0 (JDK 17's numbers), 1 (JDK 21+) */
} check_counts;

static void deallocate(jvmtiEnv *jvmti, void *memory) {
    if (memory != NULL) (*jvmti)->Deallocate(jvmti, (unsigned char *)memory);
}

/* One method: its name, class and source file as JVMTI gives them, and the line of every bci its line table
 * lists, decoded both ways. */
static const char *check_method(jvmtiEnv *jvmti, const memory_map *map, jmethodID id, const char *class_name,
                                const char *source_file, check_counts *counts) {
    char *name = NULL;
    if ((*jvmti)->GetMethodName(jvmti, id, &name, NULL, NULL) != JVMTI_ERROR_NONE) return NULL; /* not ours to judge */
    java_method_name *read = malloc(sizeof *read);
    const char *problem = NULL;
    uintptr_t method = java_method_from_id(map, id);
    if (read == NULL) {
        problem = "out of memory";
    } else if (method == 0) {
        problem = "a jmethodID did not lead to its Method";
    } else if (!java_method_name_read(map, method, -1, read)) {
        problem = "a Method could not be read";
    } else if (strcmp(read->method_name, name) != 0 || strcmp(read->class_name, class_name) != 0 ||
               strcmp(read->source_file, source_file) != 0) {
        problem = "a method's name, class or source file read differently from JVMTI's";
    }
    counts->methods += problem == NULL;
    jint entries = 0;
    jvmtiLineNumberEntry *table = NULL;
    if (problem == NULL && (*jvmti)->GetLineNumberTable(jvmti, id, &entries, &table) == JVMTI_ERROR_NONE) {
        for (jint i = 0; i < entries; i++) {
            int first = 1; /* HotSpot answers a bci listed twice with its first line */
            for (jint j = 0; j < i && first; j++) first = table[j].start_location != table[i].start_location;
            if (!first) continue;
            counts->line_entries++;
            for (int excluded = 0; excluded < 2; excluded++) {
                hotspot_methods.line_table_excluded_byte = excluded;
                if (!java_method_name_read(map, method, (int)table[i].start_location, read) ||
                    read->line != table[i].line_number) {
                    counts->line_mismatches[excluded]++;
                }
            }
        }
        deallocate(jvmti, table);
    }
    free(read);
    deallocate(jvmti, name);
    return problem;
}

static const char *check_class(JNIEnv *jni, jvmtiEnv *jvmti, const memory_map *map, const char *internal_name,
                               check_counts *counts) {
    jclass type = (*jni)->FindClass(jni, internal_name);
    if (type == NULL) {
        (*jni)->ExceptionClear(jni);
        return "a JDK class to check the method layout on was not found";
    }
    char *signature = NULL, *source = NULL;
    jint count = 0;
    jmethodID *methods = NULL;
    const char *problem = NULL;
    if ((*jvmti)->GetClassSignature(jvmti, type, &signature, NULL) != JVMTI_ERROR_NONE ||
        (*jvmti)->GetClassMethods(jvmti, type, &count, &methods) != JVMTI_ERROR_NONE) {
        problem = "JVMTI could not list a class's methods";
    } else {
        char class_name[JAVA_CLASS_NAME_MAX];
        java_class_name(class_name, sizeof class_name, signature);
        jvmtiError source_error = (*jvmti)->GetSourceFileName(jvmti, type, &source);
        if (source_error != JVMTI_ERROR_NONE) source = NULL;
        if (source_error != JVMTI_ERROR_NONE && source_error != JVMTI_ERROR_ABSENT_INFORMATION) {
            problem = "JVMTI cannot give a class's source file to check the method layout against";
        }
        for (jint i = 0; i < count && problem == NULL; i++) {
            problem = check_method(jvmti, map, methods[i], class_name, source ? source : "", counts);
        }
    }
    deallocate(jvmti, methods);
    deallocate(jvmti, source);
    deallocate(jvmti, signature);
    (*jni)->DeleteLocalRef(jni, type);
    return problem;
}

#define CHECK_MAP_ENTRIES 65536
#define CHECK_MAP_PATHS (4u << 20)

/* Classes every JVM has loaded by now, with long methods, loops (line numbers going back) and native ones. */
static const char *const CLASSES[] = { "java/lang/Thread", "java/lang/String", "java/util/HashMap" };

/* Creates the jmethodIDs of the classes to check (JVMTI GetClassMethods does), before the memory map is read:
 * the table of a class's jmethodIDs may be allocated just then, in memory a map read earlier does not list. */
static void create_method_ids(JNIEnv *jni, jvmtiEnv *jvmti) {
    for (size_t i = 0; i < sizeof CLASSES / sizeof CLASSES[0]; i++) {
        jclass type = (*jni)->FindClass(jni, CLASSES[i]);
        if (type == NULL) {
            (*jni)->ExceptionClear(jni);
            continue;
        }
        jint count = 0;
        jmethodID *methods = NULL;
        if ((*jvmti)->GetClassMethods(jvmti, type, &count, &methods) == JVMTI_ERROR_NONE) deallocate(jvmti, methods);
        (*jni)->DeleteLocalRef(jni, type);
    }
}

static const char *check_on_jdk_classes(JNIEnv *jni, jvmtiEnv *jvmti) {
    create_method_ids(jni, jvmti);
    memory_map map = { 0 };
    char *line = malloc(4096);
    map.entries = malloc(CHECK_MAP_ENTRIES * sizeof(map_entry));
    map.paths = malloc(CHECK_MAP_PATHS);
    map.capacity = CHECK_MAP_ENTRIES;
    map.paths_capacity = CHECK_MAP_PATHS;
    const char *problem = NULL;
    if (line == NULL || map.entries == NULL || map.paths == NULL || memory_map_read(&map, line, 4096) != 0) {
        problem = "cannot read /proc/self/maps to check the method layout";
    }
    check_counts counts = { 0 };
    for (size_t i = 0; i < sizeof CLASSES / sizeof CLASSES[0] && problem == NULL; i++) {
        problem = check_class(jni, jvmti, &map, CLASSES[i], &counts);
    }
    if (problem == NULL && counts.methods < 50) problem = "too few methods could be checked";
    if (problem == NULL) {
        /* Both encodings read alike only where no table needs a number of more than one byte: the check would
         * not have told them apart. One (and only one) must read every entry right. */
        int right[2] = { counts.line_mismatches[0] == 0, counts.line_mismatches[1] == 0 };
        if (counts.line_entries < 100 || right[0] == right[1]) {
            problem = "the line number tables read differently from JVMTI's";
        } else {
            hotspot_methods.line_table_excluded_byte = right[1];
        }
    }
    free(map.paths);
    free(map.entries);
    free(line);
    return problem;
}

void java_method_layout_prepare(JNIEnv *jni, jvmtiEnv *jvmti) {
    /* What the check compares against (the resolver asks for the same: arming/java_resolver.c). */
    jvmtiCapabilities wanted = { 0 };
    wanted.can_get_line_numbers = 1;
    wanted.can_get_source_file_name = 1;
    (*jvmti)->AddCapabilities(jvmti, &wanted);
    hotspot_method_layout layout = { 0 };
    const char *problem = read_offsets(jni, &layout);
    if (problem == NULL) {
        layout.ready = 1; /* for the check, which reads through the handler's own code */
        hotspot_methods = layout;
        problem = check_on_jdk_classes(jni, jvmti);
    }
    hotspot_methods.problem = problem;
    hotspot_methods.ready = problem == NULL;
}
