/* The JVM's configuration as the crash found it, for the report's context: the -XX flags whose value did
 * not come from their default (what hs_err prints under "[Global flags]"), the few flags that say which VM
 * this is (GC, JIT, sharing, compressed oops, heap sizes) whatever their origin, and where the Java heap
 * is reserved. Read from HotSpot's own tables at the crash: JVMFlag::flags (an array of numFlags entries:
 * _type, _name, _addr, _flags) and Universe::_collectedHeap->_reserved, located at arming through
 * gHotSpotVMStructs (arming/vm_context_prepare.c). The handler only follows the pointers found then, each
 * read checked against the memory map first and the whole walk under the capture's fault guard. */
#ifndef CRASHCAP_VM_CONTEXT_H
#define CRASHCAP_VM_CONTEXT_H

#include <stdint.h>

#include "bundle_writer.h"
#include "memory_map.h"

typedef struct {
    int flags_ready;              /* 1: every field of the flag table below was found */
    const void *flags_variable;   /* &JVMFlag::flags: a JVMFlag* */
    const void *count_variable;   /* &JVMFlag::numFlags: a size_t */
    uint64_t stride;              /* sizeof(JVMFlag), from gHotSpotVMTypes (product and debug builds differ) */
    uint64_t type_offset;         /* JVMFlag::_type: an int ordinal (JDK 17+) or a const char* (JDK 8, 11) */
    uint64_t name_offset;         /* JVMFlag::_name */
    uint64_t addr_offset;         /* JVMFlag::_addr: where the value lives */
    uint64_t flags_offset;        /* JVMFlag::_flags: the low 4 bits are the value's origin */
    int type_is_string;
    int heap_ready;               /* 1: the heap fields below were found */
    const void *heap_variable;    /* &Universe::_collectedHeap: a CollectedHeap* */
    uint64_t heap_reserved;       /* CollectedHeap::_reserved: a MemRegion */
    uint64_t region_start;        /* MemRegion::_start: a HeapWord* */
    uint64_t region_words;        /* MemRegion::_word_size: a size_t, in 8-byte words */
    const char *problem;          /* why the flags cannot be read, written into the bundle */
} vm_context_layout;

/* Filled at arming time (vm_context_prepare), read-only afterwards. */
extern vm_context_layout vm_context;

/* Arming time: finds the layout through gHotSpotVMStructs (jvm_function: any function of libjvm.so's). */
void vm_context_prepare(void *jvm_function);

/* In the handler: the "vm" section. */
void vm_context_write(bundle_writer *w, const memory_map *map);

#endif
