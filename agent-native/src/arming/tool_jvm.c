/* See tool_jvm.h. Nothing here runs in a signal handler. */
#include "tool_jvm.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "java_properties.h"

/* crashcap.jar's Main-Class (agent-java/pom.xml), and the CLI's own main class (a build's classes folder). */
#define JAR_MAIN "dev.crashcap.launch.Main"
#define CLI_MAIN "dev.crashcap.cli.Main"

/* sun.java.command is the main class or jar, then the arguments, separated by spaces. */
static int command_starts_with(const char *command, const char *first) {
    size_t len = strlen(first);
    return len > 0 && strncmp(command, first, len) == 0 && (command[len] == '\0' || command[len] == ' ');
}

static int same_file(const char *a, const char *b) {
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The crashcap.jar in the folder this library was loaded from: the distribution's lib/. */
static int jar_next_to_library(char *out, size_t size) {
    Dl_info info;
    if (dladdr((void *)jar_next_to_library, &info) == 0 || info.dli_fname == NULL) return 0;
    const char *slash = strrchr(info.dli_fname, '/');
    if (slash == NULL) return 0;
    return snprintf(out, size, "%.*s/crashcap.jar", (int)(slash - info.dli_fname), info.dli_fname) < (int)size;
}

/* The main module of a JDK tool (jcmd: jdk.jcmd, keytool: java.base): the runtime's own modules, by their reserved
 * prefixes. An application's main module cannot be named java.*, and jdk.* is the JDK's by convention. */
static int jdk_module(const char *module) {
    return strncmp(module, "jdk.", 4) == 0 || strncmp(module, "java.", 5) == 0;
}

static int jdk_tool_runs_here(JNIEnv *jni) {
    char *module = java_properties_get(jni, "jdk.module.main");
    int tool = module != NULL && jdk_module(module);
    free(module);
    return tool;
}

static int crashcap_cli_runs_here(JNIEnv *jni) {
    char *command = java_properties_get(jni, "sun.java.command");
    if (command == NULL) return 0; /* not started by the java launcher */
    int cli = command_starts_with(command, JAR_MAIN) || command_starts_with(command, CLI_MAIN);
    char *class_path = cli ? NULL : java_properties_get(jni, "java.class.path");
    if (class_path != NULL) {
        /* -jar: the launcher makes the class path that jar and the command start with it. */
        char *colon = strchr(class_path, ':');
        if (colon != NULL) *colon = '\0';
        char jar[4096];
        cli = command_starts_with(command, class_path) && jar_next_to_library(jar, sizeof jar) &&
              same_file(class_path, jar);
        free(class_path);
    }
    free(command);
    return cli;
}

int tool_jvm_runs_here(JNIEnv *jni) {
    return jdk_tool_runs_here(jni) || crashcap_cli_runs_here(jni);
}
