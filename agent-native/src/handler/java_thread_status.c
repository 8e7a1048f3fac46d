#include "java_thread_status.h"

#include <jvmti.h> /* JVMTI_THREAD_STATE_*: only the constants */

#include "own_memory.h"
#include "sys.h"
#include "thread_registry.h"
#include "virtual_thread.h"

hotspot_thread_status_layout hotspot_thread_status = { .problem = "java.lang.Thread's status was not read (not armed)" };

const char *java_thread_status_layout_status(void) {
    return hotspot_thread_status.ready ? "ok" : hotspot_thread_status.problem;
}

int java_thread_status_read(const memory_map *map, uintptr_t java_thread) {
    if (!hotspot_thread_status.ready || java_thread == 0) return -1;
    /* _threadObj, not _vthread: the carrier's own Thread, as jstack and ThreadMXBean report a carrier. */
    uintptr_t object = java_thread_own_object(map, java_thread);
    if (hotspot_thread_status.thread_holder != 0) {
        object = java_object_reference(map, object, hotspot_thread_status.thread_holder);
    }
    int32_t status = -1;
    /* A reference that may not be followed leaves object 0 or an address nothing is mapped at: the read fails. */
    if (object == 0 || !own_memory_read(map, object + hotspot_thread_status.thread_status, &status, sizeof status)) {
        return -1;
    }
    return status >= 0 ? status : -1;
}

int java_thread_status_own(const memory_map *map) {
    thread_slot *slot = thread_registry_find(current_tid());
    return slot == NULL ? -1 : java_thread_status_read(map, atomic_load(&slot->vm_thread));
}

/* The order of jdk.internal.misc.VM.toThreadState: RUNNABLE wins over the waiting bits (a thread that was notified
 * and runs again), and a status with none of them is RUNNABLE once the thread is alive. */
const char *java_thread_status_name(int status) {
    if (status < 0) return NULL;
    if (status & JVMTI_THREAD_STATE_RUNNABLE) return "RUNNABLE";
    if (status & JVMTI_THREAD_STATE_BLOCKED_ON_MONITOR_ENTER) return "BLOCKED";
    if (status & JVMTI_THREAD_STATE_WAITING_INDEFINITELY) return "WAITING";
    if (status & JVMTI_THREAD_STATE_WAITING_WITH_TIMEOUT) return "TIMED_WAITING";
    if (status & JVMTI_THREAD_STATE_TERMINATED) return "TERMINATED";
    if (!(status & JVMTI_THREAD_STATE_ALIVE)) return "NEW";
    return "RUNNABLE";
}
