/* See java_properties.h. Nothing here runs in a signal handler. */
#include "java_properties.h"

#include <stdlib.h>
#include <string.h>

char *java_properties_get(JNIEnv *jni, const char *name) {
    jclass system = (*jni)->FindClass(jni, "java/lang/System");
    if (system == NULL) {
        (*jni)->ExceptionClear(jni);
        return NULL;
    }
    jmethodID get = (*jni)->GetStaticMethodID(jni, system, "getProperty", "(Ljava/lang/String;)Ljava/lang/String;");
    jstring key = get == NULL ? NULL : (*jni)->NewStringUTF(jni, name);
    jstring value = key == NULL ? NULL : (jstring)(*jni)->CallStaticObjectMethod(jni, system, get, key);
    char *result = NULL;
    if ((*jni)->ExceptionCheck(jni)) {
        (*jni)->ExceptionClear(jni);
    } else if (value != NULL) {
        const char *chars = (*jni)->GetStringUTFChars(jni, value, NULL);
        result = chars == NULL ? NULL : strdup(chars);
        if (chars != NULL) (*jni)->ReleaseStringUTFChars(jni, value, chars);
    }
    if (value != NULL) (*jni)->DeleteLocalRef(jni, value);
    if (key != NULL) (*jni)->DeleteLocalRef(jni, key);
    (*jni)->DeleteLocalRef(jni, system);
    return result;
}

void java_properties_set(JNIEnv *jni, const char *name, const char *value) {
    jclass system = (*jni)->FindClass(jni, "java/lang/System");
    jmethodID set = system == NULL ? NULL
        : (*jni)->GetStaticMethodID(jni, system, "setProperty",
                                    "(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;");
    jstring key = set == NULL ? NULL : (*jni)->NewStringUTF(jni, name);
    jstring text = key == NULL ? NULL : (*jni)->NewStringUTF(jni, value);
    if (text != NULL) {
        jobject old = (*jni)->CallStaticObjectMethod(jni, system, set, key, text);
        if (old != NULL) (*jni)->DeleteLocalRef(jni, old);
    }
    if ((*jni)->ExceptionCheck(jni)) (*jni)->ExceptionClear(jni); /* the state stays invisible; arming stands */
    if (text != NULL) (*jni)->DeleteLocalRef(jni, text);
    if (key != NULL) (*jni)->DeleteLocalRef(jni, key);
    if (system != NULL) (*jni)->DeleteLocalRef(jni, system);
}
