/* HotSpot's description of itself: the tables libjvm.so exports for the serviceability agent
 * (gHotSpotVMStructs, gHotSpotVMTypes, gHotSpotVMIntConstants), read at arming time. Each table is an
 * array of entries whose layout libjvm exports too (gHotSpotVMStructEntryTypeNameOffset, ...,
 * gHotSpotVMStructEntryArrayStride), ended by an entry without a name. Never used in a signal handler:
 * what the handler needs is copied out into plain numbers (handler/java_thread_state.h). */
#ifndef CRASHCAP_VM_STRUCTS_H
#define CRASHCAP_VM_STRUCTS_H

#include <stdint.h>

/* Finds the tables (dlsym in the process, else in the libjvm.so that holds jvm_function, any function of
 * the JVM's) and checks their layout. Returns NULL, or why they cannot be used (a static string). */
const char *vm_structs_open(void *jvm_function);

/* The offset of type::field (a non-static field) and the field's C type as HotSpot spells it. Returns 1
 * when found. */
int vm_structs_field(const char *type, const char *field, uint64_t *offset, const char **type_string);

/* The address of type::field, a static field (CompressedOops::_base), and its C type; 1 when found. */
int vm_structs_static_address(const char *type, const char *field, void **address, const char **type_string);

/* sizeof(type) as HotSpot declares it; 1 when found. */
int vm_structs_type_size(const char *type, uint64_t *size);

/* An int constant (an enum value such as _thread_in_native); 1 when found. */
int vm_structs_int_constant(const char *name, int32_t *value);

#endif
