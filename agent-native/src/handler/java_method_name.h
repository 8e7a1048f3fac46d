/* Java method names read from HotSpot's own structures, inside a signal handler, as hs_err names its frames:
 * Method -> ConstMethod -> ConstantPool -> the Symbols of the method's name, its class's name and its source
 * file, and the line from the compressed line number table that follows the bytecodes. It needs no JVM thread
 * and no lock, so a crash inside the JVM (a GC crash, a safepoint that never ends), where the resolver thread
 * (JVMTI) cannot run, still names its Java frames. The offsets come from gHotSpotVMStructs and are checked at
 * arming time against JVMTI on real methods (arming/java_method_layout.c); until then, or when that failed,
 * nothing is named here and the resolver is the only source of names.
 *
 * No read can fault: memory the capture's map says is readable is read directly, as the unwinder reads stacks;
 * anything else is copied by the kernel (process_vm_readv on our own pid, an error where nothing is mapped),
 * since HotSpot maps metadata and jmethodID tables after a map taken at the capture's start. Names are checked
 * for plausibility (lengths, alignment, the jmethodID listed by its class) before use. Async-signal-safe: no
 * allocation, no lock, no libc but memcpy and plain system calls. */
#ifndef CRASHCAP_JAVA_METHOD_NAME_H
#define CRASHCAP_JAVA_METHOD_NAME_H

#include <jni.h>
#include <stddef.h>
#include <stdint.h>

#include "memory_map.h"

/* Names longer than these are not cut: the method is left unnamed here (the resolver may name it). */
#define JAVA_CLASS_NAME_MAX 1024
#define JAVA_METHOD_NAME_MAX 512
#define JAVA_SOURCE_FILE_MAX 256

typedef struct {
    char class_name[JAVA_CLASS_NAME_MAX];  /* as Class.getName(): "com.example.Worker"; a hidden class keeps its
                                            * '/' before the address: "com.example.Worker$$Lambda/0x0000000801001234" */
    char method_name[JAVA_METHOD_NAME_MAX]; /* "step", "<init>" */
    char source_file[JAVA_SOURCE_FILE_MAX]; /* the SourceFile attribute, "Worker.java"; "" when the class has none */
    int line;                               /* the source line of bci, -1 when unknown (no table, bci out of range) */
} java_method_name;

/* The layout: plain numbers, filled at arming time, read-only afterwards. */
typedef struct {
    int ready;                    /* 1: every offset below was found, plausible, and checked against JVMTI */
    uint64_t method_const_method; /* Method::_constMethod (ConstMethod*) */
    uint64_t method_size;         /* sizeof(Method) */
    uint64_t const_method_constants;   /* ConstMethod::_constants (ConstantPool*) */
    uint64_t const_method_size_words;  /* ConstMethod::_constMethod_size (int, in words: the whole object) */
    uint64_t const_method_flags;       /* ConstMethod::_flags (u2, JDK 17) or _flags._flags (u4, JDK 21+) */
    uint64_t const_method_flags_size;  /* 2 or 4 */
    uint32_t has_line_table_flag;      /* ConstMethod::_has_linenumber_table / ConstMethodFlags::_misc_... */
    uint64_t const_method_code_size;   /* ConstMethod::_code_size (u2) */
    uint64_t const_method_name_index;  /* ConstMethod::_name_index (u2) */
    uint64_t const_method_idnum;       /* ConstMethod::_method_idnum (u2) */
    uint64_t const_method_struct_size; /* sizeof(ConstMethod): the bytecodes follow it */
    uint64_t pool_holder;              /* ConstantPool::_pool_holder (InstanceKlass*) */
    uint64_t pool_length;              /* ConstantPool::_length (int) */
    uint64_t pool_source_file_index;   /* ConstantPool::_source_file_name_index (u2) */
    uint64_t pool_struct_size;         /* sizeof(ConstantPool): the slots (Symbol* for a Utf8 entry) follow it */
    uint64_t klass_name;               /* Klass::_name (Symbol*) */
    uint64_t klass_jmethod_ids;        /* InstanceKlass::_methods_jmethod_ids (jmethodID*: [0] count, [1+idnum]) */
    uint64_t klass_constants;          /* InstanceKlass::_constants (ConstantPool*) */
    uint64_t instance_klass_size;      /* sizeof(InstanceKlass) */
    uint64_t symbol_length;            /* Symbol::_length (u2) */
    uint64_t symbol_body;              /* Symbol::_body (the bytes, not NUL-terminated) */
    int line_table_excluded_byte;      /* the line table's UNSIGNED5 numbers: 0 (JDK 17), 1 (JDK 21+: no 0 bytes) */
    const char *problem;               /* why not ready: a static string, written into every bundle */
} hotspot_method_layout;

extern hotspot_method_layout hotspot_methods;

/* NULL when methods can be named here, else why not ("HotSpot's method layout ...": into the bundle). */
const char *java_method_layout_problem(void);

/* The Method* a jmethodID stands for (HotSpot: a jmethodID is a Method**), or 0 when it cannot be read or is
 * not that method's id: the Method's class must list id at the method's idnum in its jmethodID table, which
 * also refuses a JDK whose jmethodIDs are no longer pointers. Async-signal-safe. */
uintptr_t java_method_from_id(const memory_map *map, jmethodID id);

/* Names the method at `method` (a Method*) and the line of bytecode index bci (negative: no line). Returns 1
 * with out filled, 0 when anything is unreadable, implausible or too long (out is then unspecified).
 * Async-signal-safe; out is about 1.8 KiB, on the caller's stack is fine. */
int java_method_name_read(const memory_map *map, uintptr_t method, int bci, java_method_name *out);

/* The line of bci in a compressed line number table (HotSpot's CompressedLineNumberReadStream: one byte
 * (bci delta << 3 | line delta), or 0xFF and two signed UNSIGNED5 numbers; 0 ends it) of at most `size`
 * bytes: the exact entry for bci, else the last one before it, else -1. Pure: for tests, too. */
int java_line_table_lookup(const uint8_t *table, size_t size, int excluded_byte, int bci);

#endif
