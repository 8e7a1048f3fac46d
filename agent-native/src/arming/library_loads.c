#include "library_loads.h"

#include <dlfcn.h>
#include <link.h>
#include <string.h>

#include "cxx_runtime.h"
#include "got_slots.h"
#include "text.h"
#include "thread_start_hook.h"

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

/* False for a class of the boot loader: it has no jar (its code source is null), and asking for its protection domain
 * builds the JDK's all-permission domain first, 1.3 million instructions at the first library the JDK loads after
 * arming (libnet, libzip, ...), measured with callgrind. */
static int loaded_by_a_class_loader(JNIEnv *jni, jclass klass) {
    jobject loader = NULL;
    if ((*jvmti)->GetClassLoader(jvmti, klass, &loader) != JVMTI_ERROR_NONE || loader == NULL) return 0;
    (*jni)->DeleteLocalRef(jni, loader);
    return 1;
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
                if (loaded_by_a_class_loader(jni, klass)) jar_of(jni, klass, load->jar);
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
    if (handle != NULL) thread_start_hook_scan(); /* before the library can start a thread */
    if (handle == NULL || file == NULL || in_hook) return handle;
    int index = atomic_fetch_add(&library_load_count, 1);
    if (index >= LOADS_MAX) return handle;
    library_load *load = &library_loads[index];
    copy_text(load->path, TEXT_MAX, file);
    in_hook = 1;
    record_java_caller(load);
    in_hook = 0;
    cxx_runtime_resolve(); /* the library may have brought libstdc++ with it */
    atomic_store(&load->ready, 1);
    return handle;
}

typedef struct {
    const char *library; /* a path ending */
    uintptr_t slot;      /* out: the GOT slot of dlopen */
} slot_search;

static int ends_with(const char *text, const char *end) {
    size_t a = strlen(text), b = strlen(end);
    return a >= b && strcmp(text + a - b, end) == 0;
}

static int find_dlopen_slot(struct dl_phdr_info *info, size_t size, void *arg) {
    slot_search *search = arg;
    if (info->dlpi_name == NULL || !ends_with(info->dlpi_name, search->library)) return 0;
    got_find_slots(info, "dlopen", &search->slot, 1);
    return 1;
}

const char *library_loads_watch(JavaVM *vm, jvmtiEnv *env, const memory_map *map) {
    java_vm = vm;
    jvmti = env;
    slot_search search = { "/libjvm.so", 0 };
    dl_iterate_phdr(find_dlopen_slot, &search); /* arming time: the loader's lock is fine here */
    if (search.slot == 0) return "no dlopen slot in libjvm.so";
    got_maps maps = { .given = map }; /* map NULL: read at the write */
    int failed = got_write_slot(&maps, search.slot, (void *)dlopen_hook) != 0;
    got_maps_release(&maps);
    if (failed) return "cannot write libjvm's GOT";
    return NULL;
}
