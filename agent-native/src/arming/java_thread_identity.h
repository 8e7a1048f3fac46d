/* Which kernel thread is which Java thread: java.lang.Thread.eetop is the thread's JavaThread*, whose
 * OSThread holds the kernel tid. With that, every Java thread (those started before the agent armed, and
 * main, too) is registered by tid with its full Java name and daemon flag, and its JavaThread* is kept
 * for the handler to read HotSpot's own thread state (handler/java_thread_state.h). The offsets come
 * from gHotSpotVMStructs (arming/vm_structs.c) and are checked on the arming thread itself before use;
 * when they cannot be, hotspot_threads.problem says why and threads from before arming keep their
 * kernel names. Never in a signal handler. */
#ifndef CRASHCAP_JAVA_THREAD_IDENTITY_H
#define CRASHCAP_JAVA_THREAD_IDENTITY_H

#include <jni.h>
#include <jvmti.h>

/* Arming time, on the arming thread (a Java thread in a JNI call), before ThreadStart and ThreadEnd are
 * enabled: reads and checks the layout, and opens the arming window (register_existing closes it). */
void java_thread_identity_prepare(JNIEnv *jni, jvmtiEnv *jvmti, jthread current);

/* Registers the calling thread as the Java thread `thread` (JVMTI ThreadStart, arming): its name (name,
 * or the Java name when name is NULL), daemon flag, JavaThread*, stack bounds. */
void java_thread_identity_register_current(JNIEnv *jni, jvmtiEnv *jvmti, jthread thread, const char *name);

/* JVMTI ThreadEnd, on the ending thread: forgets it. */
void java_thread_identity_forget_current(JNIEnv *jni);

/* Arming time, after ThreadStart/ThreadEnd are enabled: registers every live Java thread that started
 * before (JVMTI GetAllThreads, eetop -> tid; nothing when the layout is unknown), and closes the arming
 * window. */
void java_thread_identity_register_existing(JNIEnv *jni, jvmtiEnv *jvmti);

#endif
