#include "virtual_thread_layout.h"

#include <string.h>

#include "own_memory.h"
#include "virtual_thread.h"
#include "vm_structs.h"

/* An OopHandle field of JavaThread: one pointer. */
static int handle_field(const char *field, uint64_t java_thread_size, uint64_t *offset) {
    const char *type = NULL;
    uint64_t size = 0;
    return vm_structs_field("JavaThread", field, offset, &type) && type != NULL && strcmp(type, "OopHandle") == 0 &&
           vm_structs_type_size("OopHandle", &size) && size == sizeof(void *) && *offset + size <= java_thread_size;
}

static int static_value(const char *type, const char *field, void *out, size_t size) {
    void *address = NULL;
    const char *type_string = NULL;
    if (!vm_structs_static_address(type, field, &address, &type_string)) return 0;
    memcpy(out, address, size);
    return 1;
}

uint64_t jni_field_offset(JNIEnv *jni, jclass type, const char *name, const char *signature) {
    jfieldID id = type == NULL ? NULL : (*jni)->GetFieldID(jni, type, name, signature);
    if ((*jni)->ExceptionCheck(jni)) (*jni)->ExceptionClear(jni);
    uintptr_t bits = (uintptr_t)id;
    if (id == NULL || (bits & 3) != 2) return 0;
    uint64_t offset = bits >> 2;
    return offset >= 8 && offset < 4096 ? offset : 0;
}

/* Where a byte[]'s length and first element are, by object header: compressed class pointers (12, 16), full
 * class pointers (16, 24 up to JDK 21, where elements start 8-aligned; 16, 20 from JDK 22, where they follow the
 * length at their own alignment), compact object headers (8, 12; JDK 24+ with -XX:+UseCompactObjectHeaders). */
static const uint64_t ARRAY_LAYOUTS[][2] = { { 12, 16 }, { 16, 24 }, { 16, 20 }, { 8, 12 } };

/* How references are stored, tried in this order: 32-bit narrow oops, full addresses, generational ZGC's colored
 * pointers (only where the JVM has ZGC's globals: JDK 21+). */
enum { NARROW, FULL, ZGC_COLORED, ENCODINGS };

/* The arming thread's own java.lang.Thread, read through the layout as it stands, says what JNI says: its eetop
 * is its JavaThread*, no virtual thread is mounted (JDK 21+), and its tid and name are JNI's. */
static int reads_back(uintptr_t java_thread, uint64_t eetop, jlong tid, const char *name) {
    uintptr_t thread_oop = java_thread_handle_oop(NULL, java_thread, hotspot_vthreads.java_thread_thread_obj);
    uintptr_t current = hotspot_vthreads.java_thread_vthread == 0
                            ? thread_oop : java_thread_handle_oop(NULL, java_thread, hotspot_vthreads.java_thread_vthread);
    uintptr_t eetop_value = 0;
    java_thread_object read;
    return thread_oop != 0 && current == thread_oop &&
           own_memory_read(NULL, thread_oop + eetop, &eetop_value, sizeof eetop_value) && eetop_value == java_thread &&
           java_thread_object_read(NULL, thread_oop, &read) && read.id == tid && strcmp(read.name, name) == 0;
}

/* &ZPointerLoadBadMask, which ZGlobalsForVMStructs (JDK 21+; the generational ZGC's globals for the serviceability
 * agent) points to; NULL in a JVM without it. Present whatever GC runs: the arming check says whether it is used. */
static const uintptr_t *zgc_load_bad_mask(void) {
    void *instance = NULL;
    uint64_t offset = 0, size = 0;
    const char *type = NULL;
    if (!static_value("ZGlobalsForVMStructs", "_instance_p", &instance, sizeof instance) || instance == NULL ||
        !vm_structs_field("ZGlobalsForVMStructs", "_ZPointerLoadBadMask", &offset, &type) ||
        !vm_structs_type_size("ZGlobalsForVMStructs", &size) || offset + sizeof(void *) > size) {
        return NULL;
    }
    const uintptr_t *mask = NULL;
    return own_memory_read(NULL, (uintptr_t)instance + offset, &mask, sizeof mask) ? mask : NULL;
}

/* &ZAddressBadMask of the non-generational ZGC: JDK 17 names its globals ZGlobalsForVMStructs, JDK 21-23
 * XGlobalsForVMStructs (virtual_thread.c, full_reference). NULL in a JVM without it (JDK 24+). */
static const uintptr_t *address_bad_mask(void) {
    static const char *const GLOBALS[][2] = { { "ZGlobalsForVMStructs", "_ZAddressBadMask" },
                                              { "XGlobalsForVMStructs", "_XAddressBadMask" } };
    for (size_t i = 0; i < sizeof GLOBALS / sizeof GLOBALS[0]; i++) {
        void *instance = NULL;
        uint64_t offset = 0, size = 0;
        const char *type = NULL;
        const uintptr_t *mask = NULL;
        if (static_value(GLOBALS[i][0], "_instance_p", &instance, sizeof instance) && instance != NULL &&
            vm_structs_field(GLOBALS[i][0], GLOBALS[i][1], &offset, &type) &&
            vm_structs_type_size(GLOBALS[i][0], &size) && offset + sizeof(void *) <= size &&
            own_memory_read(NULL, (uintptr_t)instance + offset, &mask, sizeof mask)) {
            return mask;
        }
    }
    return NULL;
}

reference_colors virtual_thread_layout_colors_ignore(void) {
    static const uintptr_t NO_BAD_COLORS = 0;
    reference_colors saved = { hotspot_vthreads.zgc_load_bad_mask, hotspot_vthreads.address_bad_mask };
    if (saved.load_bad_mask != NULL) hotspot_vthreads.zgc_load_bad_mask = &NO_BAD_COLORS;
    if (saved.address_bad_mask != NULL) hotspot_vthreads.address_bad_mask = &NO_BAD_COLORS;
    return saved;
}

void virtual_thread_layout_colors_restore(reference_colors saved) {
    hotspot_vthreads.zgc_load_bad_mask = saved.load_bad_mask;
    hotspot_vthreads.address_bad_mask = saved.address_bad_mask;
}

static const char *check_on_current(JNIEnv *jni, jthread current, jclass thread_class, uint64_t eetop) {
    jfieldID eetop_id = (*jni)->GetFieldID(jni, thread_class, "eetop", "J");
    jfieldID tid_id = (*jni)->GetFieldID(jni, thread_class, "tid", "J");
    jfieldID name_id = (*jni)->GetFieldID(jni, thread_class, "name", "Ljava/lang/String;");
    if ((*jni)->ExceptionCheck(jni)) (*jni)->ExceptionClear(jni);
    if (current == NULL || eetop_id == NULL || tid_id == NULL || name_id == NULL) {
        return "java.lang.Thread lacks eetop, tid or name";
    }
    uintptr_t java_thread = (uintptr_t)(*jni)->GetLongField(jni, current, eetop_id);
    jlong tid = (*jni)->GetLongField(jni, current, tid_id);
    jstring name_string = (*jni)->GetObjectField(jni, current, name_id);
    const char *name = name_string == NULL ? NULL : (*jni)->GetStringUTFChars(jni, name_string, NULL);
    const char *problem = "the arming thread's java.lang.Thread did not read back as JNI gives it";
    reference_colors colors = virtual_thread_layout_colors_ignore(); /* the check is about the layout */
    /* A GC may move the Thread between two reads (this thread runs native code, a GC need not wait): a few tries. */
    for (int attempt = 0; attempt < 5 && name != NULL && problem != NULL; attempt++) {
        for (int encoding = NARROW; encoding < ENCODINGS && problem != NULL; encoding++) {
            if (encoding == ZGC_COLORED && colors.load_bad_mask == NULL) continue;
            hotspot_vthreads.compressed_oops = encoding == NARROW;
            hotspot_vthreads.zgc_colored = encoding == ZGC_COLORED;
            for (size_t i = 0; i < sizeof ARRAY_LAYOUTS / sizeof ARRAY_LAYOUTS[0] && problem != NULL; i++) {
                hotspot_vthreads.array_length = ARRAY_LAYOUTS[i][0];
                hotspot_vthreads.array_base = ARRAY_LAYOUTS[i][1];
                if (reads_back(java_thread, eetop, tid, name)) problem = NULL;
            }
        }
    }
    virtual_thread_layout_colors_restore(colors);
    if (name != NULL) (*jni)->ReleaseStringUTFChars(jni, name_string, name);
    if (name_string != NULL) (*jni)->DeleteLocalRef(jni, name_string);
    return problem;
}

static const char *read_layout(JNIEnv *jni, jthread current, int has_vthread) {
    uint64_t java_thread_size = 0;
    if (!vm_structs_type_size("JavaThread", &java_thread_size)) return "gHotSpotVMTypes lacks JavaThread";
    hotspot_vthreads.java_thread_vthread = 0;
    if ((has_vthread && !handle_field("_vthread", java_thread_size, &hotspot_vthreads.java_thread_vthread)) ||
        !handle_field("_threadObj", java_thread_size, &hotspot_vthreads.java_thread_thread_obj)) {
        return "gHotSpotVMStructs lacks a plausible JavaThread::_vthread or _threadObj";
    }
    /* CompressedOops' fields are static: JDK 21+ names them _base and _shift, JDK 17 _narrow_oop._base, ... */
    uintptr_t base = 0;
    int32_t shift = -1;
    if (!((static_value("CompressedOops", "_base", &base, sizeof base) &&
           static_value("CompressedOops", "_shift", &shift, sizeof shift)) ||
          (static_value("CompressedOops", "_narrow_oop._base", &base, sizeof base) &&
           static_value("CompressedOops", "_narrow_oop._shift", &shift, sizeof shift))) ||
        shift < 0 || shift > 8) {
        return "gHotSpotVMStructs lacks CompressedOops' base and shift";
    }
    hotspot_vthreads.narrow_oop_base = base;
    hotspot_vthreads.narrow_oop_shift = shift;
    hotspot_vthreads.zgc_load_bad_mask = zgc_load_bad_mask();
    hotspot_vthreads.address_bad_mask = address_bad_mask();
    const char *problem;
    jclass thread_class = (*jni)->FindClass(jni, "java/lang/Thread");
    jclass string_class = (*jni)->FindClass(jni, "java/lang/String");
    if ((*jni)->ExceptionCheck(jni)) (*jni)->ExceptionClear(jni);
    uint64_t eetop = jni_field_offset(jni, thread_class, "eetop", "J");
    hotspot_vthreads.thread_tid = jni_field_offset(jni, thread_class, "tid", "J");
    hotspot_vthreads.thread_name = jni_field_offset(jni, thread_class, "name", "Ljava/lang/String;");
    hotspot_vthreads.string_value = jni_field_offset(jni, string_class, "value", "[B");
    hotspot_vthreads.string_coder = jni_field_offset(jni, string_class, "coder", "B");
    if (eetop == 0 || hotspot_vthreads.thread_tid == 0 || hotspot_vthreads.thread_name == 0 ||
        hotspot_vthreads.string_value == 0 || hotspot_vthreads.string_coder == 0) {
        problem = "the field ids of Thread.tid, Thread.name, String.value or String.coder hold no offset (-Xcheck:jni?)";
    } else {
        problem = check_on_current(jni, current, thread_class, eetop);
    }
    if (thread_class != NULL) (*jni)->DeleteLocalRef(jni, thread_class);
    if (string_class != NULL) (*jni)->DeleteLocalRef(jni, string_class);
    return problem;
}

const char *virtual_thread_layout_prepare(JNIEnv *jni, jthread current) {
    hotspot_vthreads.ready = 0;
    uint64_t ignored;
    const char *type;
    const char *unopened = vm_structs_open((void *)(*jni)->GetVersion);
    int has_vthread = unopened == NULL && vm_structs_field("JavaThread", "_vthread", &ignored, &type); /* JDK 21+ */
    const char *problem = unopened != NULL ? unopened : read_layout(jni, current, has_vthread);
    /* Without _vthread (before JDK 21) there are no virtual threads to name: "none", whatever the rest says. */
    hotspot_vthreads.problem = has_vthread || unopened != NULL ? problem : "none";
    hotspot_vthreads.ready = has_vthread && problem == NULL;
    return problem;
}
