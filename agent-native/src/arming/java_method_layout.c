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

/* The methods the layout is checked on: few, of every shape the handler meets. Instance and static methods,
 * overloads (one name, two Methods), a constructor, native methods (no line table), long methods whose loops
 * send line numbers back and whose bytecode indices jump far (the line table entries that need more than one
 * byte, which tell JDK 17's encoding of numbers from JDK 21+'s), from four classes with their own constant pools
 * and source files. All exist on JDK 17 and 25; one missing on some other JDK is skipped, but the check then
 * needs enough of the rest (below). Naming every method of Thread, String and HashMap instead, as before, cost
 * 1.2 to 2.7 ms at every start-up and refused no layout that these do not. */
typedef struct {
    const char *class_name;
    const char *name;
    const char *signature;
    int is_static;
} checked_method;

static const checked_method CHECKED[] = {
    { "java/lang/Thread", "run", "()V", 0 },
    { "java/lang/Thread", "getName", "()Ljava/lang/String;", 0 },
    { "java/lang/Thread", "currentThread", "()Ljava/lang/Thread;", 1 },   /* native */
    { "java/lang/Thread", "sleep", "(J)V", 1 },                           /* native on 17, Java on 21+ */
    { "java/lang/String", "<init>", "([CII)V", 0 },
    { "java/lang/String", "valueOf", "(I)Ljava/lang/String;", 1 },
    { "java/lang/String", "valueOf", "(Ljava/lang/Object;)Ljava/lang/String;", 1 },
    { "java/lang/String", "split", "(Ljava/lang/String;I)[Ljava/lang/String;", 0 },
    { "java/lang/String", "hashCode", "()I", 0 },
    { "java/util/HashMap", "hash", "(Ljava/lang/Object;)I", 1 },
    { "java/util/HashMap", "putVal", "(ILjava/lang/Object;Ljava/lang/Object;ZZ)Ljava/lang/Object;", 0 },
    { "java/util/HashMap", "resize", "()[Ljava/util/HashMap$Node;", 0 },
    { "java/lang/Object", "hashCode", "()I", 0 },                           /* native */
};
#define CHECKED_COUNT (sizeof CHECKED / sizeof CHECKED[0])
/* Below these, too little was compared to believe the layout (most methods missing, or short line tables). */
#define CHECKED_METHODS_MIN 10
#define CHECKED_LINE_ENTRIES_MIN 60

/* The jmethodIDs of the methods to check (made now if they were not: the check reads through own_memory, which
 * asks the kernel for memory a map read before, such as a new table of jmethodIDs, does not list). */
static void find_methods(JNIEnv *jni, jmethodID ids[CHECKED_COUNT]) {
    for (size_t i = 0; i < CHECKED_COUNT; i++) {
        ids[i] = NULL;
        jclass type = (*jni)->FindClass(jni, CHECKED[i].class_name);
        if (type != NULL) {
            ids[i] = CHECKED[i].is_static ? (*jni)->GetStaticMethodID(jni, type, CHECKED[i].name, CHECKED[i].signature)
                                          : (*jni)->GetMethodID(jni, type, CHECKED[i].name, CHECKED[i].signature);
            (*jni)->DeleteLocalRef(jni, type);
        }
        if ((*jni)->ExceptionCheck(jni)) (*jni)->ExceptionClear(jni);
    }
}

/* One method against JVMTI: the name of its class and source file as JVMTI gives them. */
static const char *check_one(JNIEnv *jni, jvmtiEnv *jvmti, const memory_map *map, jmethodID id, check_counts *counts) {
    jclass type = NULL;
    char *signature = NULL, *source = NULL;
    const char *problem = NULL;
    if ((*jvmti)->GetMethodDeclaringClass(jvmti, id, &type) != JVMTI_ERROR_NONE ||
        (*jvmti)->GetClassSignature(jvmti, type, &signature, NULL) != JVMTI_ERROR_NONE) {
        problem = "JVMTI could not give a checked method's class";
    } else {
        char class_name[JAVA_CLASS_NAME_MAX];
        java_class_name(class_name, sizeof class_name, signature);
        jvmtiError source_error = (*jvmti)->GetSourceFileName(jvmti, type, &source);
        if (source_error != JVMTI_ERROR_NONE) source = NULL;
        if (source_error != JVMTI_ERROR_NONE && source_error != JVMTI_ERROR_ABSENT_INFORMATION) {
            problem = "JVMTI cannot give a class's source file to check the method layout against";
        } else {
            problem = check_method(jvmti, map, id, class_name, source ? source : "", counts);
        }
    }
    deallocate(jvmti, source);
    deallocate(jvmti, signature);
    if (type != NULL) (*jni)->DeleteLocalRef(jni, type);
    return problem;
}

static const char *check_on_jdk_methods(JNIEnv *jni, jvmtiEnv *jvmti, const memory_map *map) {
    jmethodID ids[CHECKED_COUNT];
    find_methods(jni, ids);
    const char *problem = NULL;
    check_counts counts = { 0 };
    for (size_t i = 0; i < CHECKED_COUNT && problem == NULL; i++) {
        if (ids[i] != NULL) problem = check_one(jni, jvmti, map, ids[i], &counts);
    }
    if (problem == NULL && counts.methods < CHECKED_METHODS_MIN) problem = "too few methods could be checked";
    if (problem == NULL) {
        /* Both encodings read alike only where no table needs a number of more than one byte: the check would
         * not have told them apart. One (and only one) must read every entry right. */
        int right[2] = { counts.line_mismatches[0] == 0, counts.line_mismatches[1] == 0 };
        if (counts.line_entries < CHECKED_LINE_ENTRIES_MIN || right[0] == right[1]) {
            problem = "the line number tables read differently from JVMTI's";
        } else {
            hotspot_methods.line_table_excluded_byte = right[1];
        }
    }
    return problem;
}

void java_method_layout_prepare(JNIEnv *jni, jvmtiEnv *jvmti, const memory_map *map) {
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
        problem = check_on_jdk_methods(jni, jvmti, map);
    }
    hotspot_methods.problem = problem;
    hotspot_methods.ready = problem == NULL;
}
