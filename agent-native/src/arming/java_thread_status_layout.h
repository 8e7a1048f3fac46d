/* Arming time: where java.lang.Thread keeps its threadStatus, for handler/java_thread_status.c. JDK 17 has the int in
 * Thread itself; JDK 19+ in the Thread's FieldHolder (Thread.holder). The offsets come from the fields' JNI field ids
 * (virtual_thread_layout.h, field_offset), the way to the Thread object and the reference encoding from
 * virtual_thread_layout.c. Believed only when the arming thread's own status reads back through them as JNI gives
 * it, and says RUNNABLE (the arming thread runs). Never in a signal handler. */
#ifndef CRASHCAP_JAVA_THREAD_STATUS_LAYOUT_H
#define CRASHCAP_JAVA_THREAD_STATUS_LAYOUT_H

#include <jvmti.h> /* jthread */

/* objects_problem: what virtual_thread_layout_prepare returned (NULL when Thread objects can be read). */
void java_thread_status_layout_prepare(JNIEnv *jni, jthread current, const char *objects_problem);

#endif
