#include "status_property.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture_prepared.h"
#include "clock.h"

/* Room for the escaped folder and version and the fixed records; the option records are added to it. */
#define FIXED_BYTES (2 * 4 * PATH_MAX + 512)

/* Appends `text` with capture.txt's escapes (backslash, tab, newline), so one reader handles both. */
static char *append_escaped(char *out, const char *text) {
    for (; *text != '\0'; text++) {
        if (*text == '\\' || *text == '\t' || *text == '\n') {
            *out++ = '\\';
            *out++ = *text == '\\' ? '\\' : *text == '\t' ? 't' : 'n';
        } else {
            *out++ = *text;
        }
    }
    return out;
}

static const char *set_property(JNIEnv *jni, const char *key, const char *value) {
    jclass system = (*jni)->FindClass(jni, "java/lang/System");
    if (system == NULL) {
        (*jni)->ExceptionClear(jni);
        return "cannot find java.lang.System";
    }
    jmethodID set = (*jni)->GetStaticMethodID(jni, system, "setProperty",
                                              "(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;");
    jstring jkey = (*jni)->NewStringUTF(jni, key);
    jstring jvalue = (*jni)->NewStringUTF(jni, value);
    if (set == NULL || jkey == NULL || jvalue == NULL) {
        (*jni)->ExceptionClear(jni);
        return "cannot set a system property";
    }
    jobject previous = (*jni)->CallStaticObjectMethod(jni, system, set, jkey, jvalue);
    if ((*jni)->ExceptionCheck(jni)) { /* a security manager said no */
        (*jni)->ExceptionClear(jni);
        return "System.setProperty refused";
    }
    if (previous != NULL) (*jni)->DeleteLocalRef(jni, previous);
    (*jni)->DeleteLocalRef(jni, jkey);
    (*jni)->DeleteLocalRef(jni, jvalue);
    (*jni)->DeleteLocalRef(jni, system);
    return NULL;
}

const char *status_property_publish(JNIEnv *jni, const char *how, const char *version, const char *option_records) {
    size_t size = FIXED_BYTES + strlen(version) * 2 + strlen(how) * 2 + strlen(option_records) + 1;
    char *status = malloc(size);
    char *armed = malloc(strlen(version) + strlen(prepared.folder) + 2);
    const char *failure = "out of memory";
    if (status != NULL && armed != NULL) {
        char *out = status;
        out += sprintf(out, "status\t1\nversion\t");
        out = append_escaped(out, version);
        out += sprintf(out, "\nfolder\t");
        out = append_escaped(out, prepared.folder);
        out += sprintf(out, "\npid\t%ld\narmedEpochMillis\t%lld\nhow\t", (long)getpid(), (long long)epoch_ms());
        out = append_escaped(out, how);
        *out++ = '\n';
        strcpy(out, option_records);
        /* crashcap.armed is what attach and dump check first ("armed already"); status reads both. */
        sprintf(armed, "%s %s", version, prepared.folder);
        failure = set_property(jni, "crashcap.status", status);
        if (failure == NULL) failure = set_property(jni, "crashcap.armed", armed);
    }
    free(status);
    free(armed);
    return failure;
}
