#include "java_thread_status_layout.h"

#include <string.h>

#include "java_thread_status.h"
#include "virtual_thread_layout.h"

/* The status JNI gives for the arming thread (it runs: RUNNABLE, alive), through the holder on JDK 19+. */
static int status_by_jni(JNIEnv *jni, jthread current, jfieldID holder_id, jfieldID status_id, jint *out) {
    jobject holder = holder_id != NULL ? (*jni)->GetObjectField(jni, current, holder_id) : NULL;
    if (holder_id != NULL && holder == NULL) return 0;
    *out = (*jni)->GetIntField(jni, holder != NULL ? holder : current, status_id);
    if (holder != NULL) (*jni)->DeleteLocalRef(jni, holder);
    return 1;
}

/* The arming thread's status through the layout as it stands equals JNI's, and names RUNNABLE. The check is about the
 * offsets: references of any ZGC color are followed (virtual_thread_layout.h); and a GC may move the Thread between
 * two reads (this thread runs native code, a GC need not wait for it): a few tries. */
static const char *check_on_current(JNIEnv *jni, jthread current, uintptr_t java_thread, jfieldID holder_id,
                                    jfieldID status_id) {
    reference_colors colors = virtual_thread_layout_colors_ignore();
    hotspot_thread_status.ready = 1; /* for java_thread_status_read; not yet published: no handler is installed */
    const char *problem = "the arming thread's java.lang.Thread status did not read back as JNI gives it";
    for (int attempt = 0; attempt < 5 && problem != NULL; attempt++) {
        jint expected = -1;
        int read = java_thread_status_read(NULL, java_thread);
        const char *name = java_thread_status_name(read);
        if (status_by_jni(jni, current, holder_id, status_id, &expected) && read == expected && name != NULL &&
            strcmp(name, "RUNNABLE") == 0) {
            problem = NULL;
        }
    }
    hotspot_thread_status.ready = 0;
    virtual_thread_layout_colors_restore(colors);
    return problem;
}

/* JDK 19 moved threadStatus into Thread$FieldHolder, and is the first JDK whose JNI says JNI_VERSION_19 (IsVirtualThread
 * came with it). Asked so rather than by looking for Thread.holder: a field JNI does not find costs a thrown
 * NoSuchFieldError, a tenth of a millisecond (the check below catches a JDK where this would be wrong). */
static int has_field_holder(JNIEnv *jni) {
    return (*jni)->GetVersion(jni) >= 0x00130000; /* JNI_VERSION_19, which JDK 17's jni.h lacks */
}

static const char *read_layout(JNIEnv *jni, jthread current) {
    if (current == NULL) return "no java.lang.Thread to check against";
    /* The classes from the objects, not FindClass (a Java call into the system class loader): the fields are
     * java.lang.Thread's, and GetFieldID finds them from a subclass too. */
    jclass thread_class = (*jni)->GetObjectClass(jni, current);
    jfieldID eetop_id = (*jni)->GetFieldID(jni, thread_class, "eetop", "J");
    jfieldID holder_id = has_field_holder(jni)
                             ? (*jni)->GetFieldID(jni, thread_class, "holder", "Ljava/lang/Thread$FieldHolder;") : NULL;
    jobject holder = holder_id != NULL ? (*jni)->GetObjectField(jni, current, holder_id) : NULL;
    jclass status_class = holder != NULL ? (*jni)->GetObjectClass(jni, holder) : thread_class;
    jfieldID status_id = (*jni)->GetFieldID(jni, status_class, "threadStatus", "I");
    if ((*jni)->ExceptionCheck(jni)) (*jni)->ExceptionClear(jni);
    uint64_t holder_offset = holder_id != NULL ? jni_field_offset(jni, thread_class, "holder", "Ljava/lang/Thread$FieldHolder;") : 0;
    uint64_t status_offset = status_id != NULL ? jni_field_offset(jni, status_class, "threadStatus", "I") : 0;
    const char *problem = "the field id of Thread.threadStatus (or FieldHolder.threadStatus) holds no offset";
    if (eetop_id != NULL && status_offset != 0 && (holder_id == NULL) == (holder_offset == 0)) {
        hotspot_thread_status.thread_holder = holder_offset;
        hotspot_thread_status.thread_status = status_offset;
        uintptr_t java_thread = (uintptr_t)(*jni)->GetLongField(jni, current, eetop_id);
        problem = check_on_current(jni, current, java_thread, holder_id, status_id);
    }
    if (holder != NULL) (*jni)->DeleteLocalRef(jni, holder);
    if (status_class != NULL && status_class != thread_class) (*jni)->DeleteLocalRef(jni, status_class);
    if (thread_class != NULL) (*jni)->DeleteLocalRef(jni, thread_class);
    return problem;
}

void java_thread_status_layout_prepare(JNIEnv *jni, jthread current, const char *objects_problem) {
    hotspot_thread_status.ready = 0;
    const char *problem = objects_problem != NULL ? objects_problem : read_layout(jni, current);
    hotspot_thread_status.problem = problem;
    hotspot_thread_status.ready = problem == NULL;
}
