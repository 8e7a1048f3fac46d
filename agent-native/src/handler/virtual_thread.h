/* The virtual thread mounted on a carrier thread (JDK 21+), read by the carrier itself inside a signal handler:
 * JavaThread::_vthread is the java.lang.Thread that Thread.currentThread() returns, the carrier's own
 * (JavaThread::_threadObj) unless a virtual thread is mounted. Its java.lang.Thread.tid and .name (a String: its
 * value byte[] and coder) are read from the heap, compressed oops decoded with CompressedOops' base and shift,
 * generational ZGC's colored pointers (JDK 21+; the only ZGC of JDK 24+) by dropping their color: see
 * decode_reference in virtual_thread.c.
 * Offsets come from gHotSpotVMStructs and, for the Java fields, from their JNI field ids, and are checked at
 * arming time on the arming thread's own java.lang.Thread (arming/virtual_thread_layout.c). Async-signal-safe;
 * every read goes through the memory map, else process_vm_readv, so none can fault. */
#ifndef CRASHCAP_VIRTUAL_THREAD_H
#define CRASHCAP_VIRTUAL_THREAD_H

#include <stdint.h>

#include "memory_map.h"

#define VIRTUAL_THREAD_NAME_MAX 128 /* bytes of UTF-8; a longer name is cut at a character's start */

typedef struct {
    int64_t id;                       /* java.lang.Thread.threadId() */
    char name[VIRTUAL_THREAD_NAME_MAX]; /* its name, UTF-8 ("" for an unnamed virtual thread) */
} java_thread_object;

typedef struct {
    int ready;                        /* 1: every offset below was found and checked, and the JVM has _vthread */
    uint64_t java_thread_vthread;     /* JavaThread::_vthread (OopHandle: an oop*); 0 before JDK 21 (the rest is
                                       * found and checked there too: java_thread_status.h reads Thread objects) */
    uint64_t java_thread_thread_obj;  /* JavaThread::_threadObj (OopHandle) */
    int compressed_oops;              /* 1: reference fields hold 32-bit narrow oops */
    int zgc_colored;                  /* 1: references (fields and OopHandles) are generational ZGC's zpointers */
    const uintptr_t *zgc_load_bad_mask; /* &ZPointerLoadBadMask: colors of references that may point to a moved object */
    const uintptr_t *address_bad_mask; /* full references: the non-generational ZGC's &ZAddressBadMask (JDK 17;
                                       * XAddressBadMask, JDK 21-23), the same for its colors; 0 under other GCs */
    uintptr_t narrow_oop_base;
    int narrow_oop_shift;
    uint64_t thread_name;             /* java.lang.Thread.name (String) */
    uint64_t thread_tid;              /* java.lang.Thread.tid (long) */
    uint64_t string_value;            /* java.lang.String.value (byte[]) */
    uint64_t string_coder;            /* java.lang.String.coder (byte: 0 Latin-1, 1 UTF-16) */
    uint64_t array_length;            /* int length of a byte[], from the array's start */
    uint64_t array_base;              /* its first element */
    const char *problem;              /* why not ready: "none" for a JVM without virtual threads, else a reason */
} hotspot_vthread_layout;

extern hotspot_vthread_layout hotspot_vthreads;

/* "ok", "none" (no virtual threads in this JVM: before JDK 21), or why the layout cannot be used. */
const char *virtual_thread_layout_status(void);

/* The id and name of the java.lang.Thread at thread_oop (an uncompressed oop). 1 when read. */
int java_thread_object_read(const memory_map *map, uintptr_t thread_oop, java_thread_object *out);

/* The object a reference field (at offset) of the object at object points to, as an address: 0 for null or
 * unreadable, or an address no object has when it may not be followed (every read through it then fails). */
uintptr_t java_object_reference(const memory_map *map, uintptr_t object, uint64_t offset);

/* The JavaThread's own java.lang.Thread (JavaThread::_threadObj: a carrier's own, not the virtual thread it may
 * carry), as java_object_reference gives an object. */
uintptr_t java_thread_own_object(const memory_map *map, uintptr_t java_thread);

/* The oop an OopHandle field of the JavaThread at java_thread holds, or 0. */
uintptr_t java_thread_handle_oop(const memory_map *map, uintptr_t java_thread, uint64_t handle_offset);

/* The virtual thread mounted on the JavaThread at java_thread: 1 with out filled; 0 when none is mounted (or the
 * layout is not ready); -1 when one is or may be mounted but cannot be read (a reference the GC has not fixed yet,
 * memory that does not read back). */
int virtual_thread_read(const memory_map *map, uintptr_t java_thread, java_thread_object *out);

/* The virtual thread mounted on the calling thread (its JavaThread from the thread registry), as virtual_thread_read. */
int virtual_thread_own(const memory_map *map, java_thread_object *out);

#endif
