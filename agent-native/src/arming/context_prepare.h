/* Arming time, for the report's context (handler/vm_context.h, handler/host_context.h): where HotSpot keeps
 * its flags and heap, the libc version, which cgroup files exist. No JVM call, no Java: the same for the
 * -javaagent and the -agentpath ways in. */
#ifndef CRASHCAP_CONTEXT_PREPARE_H
#define CRASHCAP_CONTEXT_PREPARE_H

/* jvm_function: any function of libjvm.so's (its tables are found through that library). */
void context_prepare(void *jvm_function);

#endif
