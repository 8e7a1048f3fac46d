/* Arming time: the offsets handler/virtual_thread.c needs. HotSpot's from gHotSpotVMStructs (JavaThread::_vthread,
 * _threadObj, CompressedOops' base and shift); java.lang.Thread's and java.lang.String's fields from their JNI
 * field ids, which HotSpot makes of the field's offset (jfieldIDWorkaround: offset << 2 | 2 for an instance field
 * when -Xcheck:jni is off). Believed only when, on the arming thread's own java.lang.Thread, they read back its
 * JavaThread* (eetop), its tid and its name as JNI gives them; that check also picks compressed, full or ZGC-colored
 * references and where a byte[]'s length and elements are. Never in a signal handler. */
#ifndef CRASHCAP_VIRTUAL_THREAD_LAYOUT_H
#define CRASHCAP_VIRTUAL_THREAD_LAYOUT_H

#include <jvmti.h> /* jthread */
#include <stdint.h>

/* Fills hotspot_vthreads (ready only in a JVM with virtual threads). Returns NULL when java.lang.Thread objects can
 * be read (any JDK: java_thread_status_layout.c builds on it), else why not. */
const char *virtual_thread_layout_prepare(JNIEnv *jni, jthread current);

/* For arming's checks on the arming thread's own objects: references are followed whatever their ZGC color (a copy
 * the GC left behind reads back the same), or a ZGC cycle running at arming would fail the check; the handler follows
 * good ones only. colors_ignore returns the masks it replaced, colors_restore puts them back. */
typedef struct {
    const uintptr_t *load_bad_mask;
    const uintptr_t *address_bad_mask;
} reference_colors;
reference_colors virtual_thread_layout_colors_ignore(void);
void virtual_thread_layout_colors_restore(reference_colors saved);

/* The offset HotSpot encodes in an instance field's jfieldID, or 0 when it is not encoded that way (or the class has
 * no such field). */
uint64_t jni_field_offset(JNIEnv *jni, jclass type, const char *name, const char *signature);

#endif
