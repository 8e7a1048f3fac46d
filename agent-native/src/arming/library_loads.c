#include "library_loads.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arch.h"
#include "text.h"

static JavaVM *java_vm;
static jvmtiEnv *jvmti;
static __thread int in_hook; /* the Java calls below must not record their own loads */

/* Classes that only pass the request on: the caller worth naming is below them. */
static int is_loader_plumbing(const char *signature) {
    static const char *const prefixes[] = { "Ljava/lang/System;", "Ljava/lang/Runtime;", "Ljava/lang/ClassLoader",
                                            "Ljdk/internal/loader/", "Ljava/security/AccessController;" };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        if (strncmp(signature, prefixes[i], strlen(prefixes[i])) == 0) return 1;
    }
    return 0;
}

/* klass.getProtectionDomain().getCodeSource().getLocation().toString(), or "" */
static void jar_of(JNIEnv *jni, jclass klass, char *out) {
    out[0] = '\0';
    jclass class_class = (*jni)->GetObjectClass(jni, klass);
    jmethodID get_domain = (*jni)->GetMethodID(jni, class_class, "getProtectionDomain", "()Ljava/security/ProtectionDomain;");
    jobject domain = get_domain ? (*jni)->CallObjectMethod(jni, klass, get_domain) : NULL;
    jobject source = NULL, location = NULL;
    jstring text = NULL;
    if (domain != NULL && !(*jni)->ExceptionCheck(jni)) {
        jmethodID get_source = (*jni)->GetMethodID(jni, (*jni)->GetObjectClass(jni, domain), "getCodeSource", "()Ljava/security/CodeSource;");
        source = get_source ? (*jni)->CallObjectMethod(jni, domain, get_source) : NULL;
    }
    if (source != NULL && !(*jni)->ExceptionCheck(jni)) {
        jmethodID get_location = (*jni)->GetMethodID(jni, (*jni)->GetObjectClass(jni, source), "getLocation", "()Ljava/net/URL;");
        location = get_location ? (*jni)->CallObjectMethod(jni, source, get_location) : NULL;
    }
    if (location != NULL && !(*jni)->ExceptionCheck(jni)) {
        jmethodID to_string = (*jni)->GetMethodID(jni, (*jni)->GetObjectClass(jni, location), "toString", "()Ljava/lang/String;");
        text = to_string ? (jstring)(*jni)->CallObjectMethod(jni, location, to_string) : NULL;
    }
    if (text != NULL && !(*jni)->ExceptionCheck(jni)) {
        const char *chars = (*jni)->GetStringUTFChars(jni, text, NULL);
        if (chars != NULL) {
            copy_text(out, TEXT_MAX, chars);
            (*jni)->ReleaseStringUTFChars(jni, text, chars);
        }
    }
    if ((*jni)->ExceptionCheck(jni)) (*jni)->ExceptionClear(jni);
}

/* The innermost Java frame that is not class-loading plumbing: the class that asked for the library. */
static void record_java_caller(library_load *load) {
    JNIEnv *jni = NULL;
    if ((*java_vm)->GetEnv(java_vm, (void **)&jni, JNI_VERSION_1_6) != JNI_OK) return;
    jvmtiFrameInfo frames[32];
    jint count = 0;
    if ((*jvmti)->GetStackTrace(jvmti, NULL, 0, 32, frames, &count) != JVMTI_ERROR_NONE) return;
    for (jint i = 0; i < count; i++) {
        jclass klass = NULL;
        char *signature = NULL;
        if ((*jvmti)->GetMethodDeclaringClass(jvmti, frames[i].method, &klass) != JVMTI_ERROR_NONE) continue;
        int found = 0;
        if ((*jvmti)->GetClassSignature(jvmti, klass, &signature, NULL) == JVMTI_ERROR_NONE) {
            if (!is_loader_plumbing(signature)) {
                java_class_name(load->java_class, TEXT_MAX, signature);
                jar_of(jni, klass, load->jar);
                found = 1;
            }
            (*jvmti)->Deallocate(jvmti, (unsigned char *)signature);
        }
        (*jni)->DeleteLocalRef(jni, klass);
        if (found) return;
    }
}

/* Runs where libjvm would have called dlopen (a JVM thread loading a library, in native state), never
 * in a signal handler: dlopen and JNI are fine here. */
static void *dlopen_hook(const char *file, int mode) {
    void *handle = dlopen(file, mode); /* the JVM's own load path, not a handler */
    if (handle == NULL || file == NULL || in_hook) return handle;
    int index = atomic_fetch_add(&library_load_count, 1);
    if (index >= LOADS_MAX) return handle;
    library_load *load = &library_loads[index];
    copy_text(load->path, TEXT_MAX, file);
    in_hook = 1;
    record_java_caller(load);
    in_hook = 0;
    atomic_store(&load->ready, 1);
    return handle;
}

typedef struct {
    const char *library;          /* a path ending */
    uintptr_t slot;               /* out: the GOT slot of dlopen */
} slot_search;

static int ends_with(const char *text, const char *end) {
    size_t a = strlen(text), b = strlen(end);
    return a >= b && strcmp(text + a - b, end) == 0;
}

/* Looks through the library's relocations for the one that fills dlopen's GOT slot. */
static int find_dlopen_slot(struct dl_phdr_info *info, size_t size, void *arg) {
    slot_search *search = arg;
    if (info->dlpi_name == NULL || !ends_with(info->dlpi_name, search->library)) return 0;
    const ElfW(Dyn) *dynamic = NULL;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        if (info->dlpi_phdr[i].p_type == PT_DYNAMIC) dynamic = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
    }
    if (dynamic == NULL) return 1;
    const ElfW(Sym) *symbols = NULL;
    const char *strings = NULL;
    const ElfW(Rela) *jump_relocs = NULL, *relocs = NULL;
    size_t jump_bytes = 0, reloc_bytes = 0;
    for (const ElfW(Dyn) *d = dynamic; d->d_tag != DT_NULL; d++) {
        /* glibc relocates these addresses in place on x86_64 and aarch64; be safe if it did not. */
        uintptr_t address = d->d_un.d_ptr < info->dlpi_addr ? info->dlpi_addr + d->d_un.d_ptr : d->d_un.d_ptr;
        switch (d->d_tag) {
        case DT_SYMTAB: symbols = (const ElfW(Sym) *)address; break;
        case DT_STRTAB: strings = (const char *)address; break;
        case DT_JMPREL: jump_relocs = (const ElfW(Rela) *)address; break;
        case DT_PLTRELSZ: jump_bytes = d->d_un.d_val; break;
        case DT_RELA: relocs = (const ElfW(Rela) *)address; break;
        case DT_RELASZ: reloc_bytes = d->d_un.d_val; break;
        }
    }
    if (symbols == NULL || strings == NULL) return 1;
    const ElfW(Rela) *tables[2] = { jump_relocs, relocs };
    size_t counts[2] = { jump_bytes / sizeof(ElfW(Rela)), reloc_bytes / sizeof(ElfW(Rela)) };
    for (int t = 0; t < 2; t++) {
        for (size_t i = 0; tables[t] != NULL && i < counts[t]; i++) {
            unsigned type = (unsigned)ELF64_R_TYPE(tables[t][i].r_info);
            if (type != ARCH_R_JUMP_SLOT && type != ARCH_R_GLOB_DAT) continue;
            const ElfW(Sym) *symbol = &symbols[ELF64_R_SYM(tables[t][i].r_info)];
            if (strcmp(strings + symbol->st_name, "dlopen") == 0) {
                search->slot = info->dlpi_addr + tables[t][i].r_offset;
                return 1;
            }
        }
    }
    return 1;
}

/* The protection of the mapping holding address, from /proc/self/maps (arming time: stdio is fine). */
static int protection_of(uintptr_t address) {
    FILE *maps = fopen("/proc/self/maps", "re"); /* arming time, never in a handler */
    if (maps == NULL) return -1;
    char line[512];
    int protection = -1;
    while (protection < 0 && fgets(line, sizeof line, maps) != NULL) {
        unsigned long start, end;
        char perms[5];
        if (sscanf(line, "%lx-%lx %4s", &start, &end, perms) == 3 && address >= start && address < end) {
            protection = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
                         (perms[2] == 'x' ? PROT_EXEC : 0);
        }
    }
    fclose(maps);
    return protection;
}

const char *library_loads_watch(JavaVM *vm, jvmtiEnv *env) {
    java_vm = vm;
    jvmti = env;
    slot_search search = { "/libjvm.so", 0 };
    dl_iterate_phdr(find_dlopen_slot, &search); /* arming time: the loader's lock is fine here */
    if (search.slot == 0) return "no dlopen slot in libjvm.so";
    /* The slot usually lies in RELRO memory (read-only once the loader is done): open it for the
     * write, then give the page back the protection it had. */
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t start = search.slot & ~(uintptr_t)(page - 1);
    int original = protection_of(start);
    if (mprotect((void *)start, (size_t)page, PROT_READ | PROT_WRITE) != 0) return "cannot write libjvm's GOT";
    void *hook = (void *)dlopen_hook;
    __atomic_store_n((void **)search.slot, hook, __ATOMIC_RELEASE);
    if (original >= 0) mprotect((void *)start, (size_t)page, original);
    return NULL;
}
