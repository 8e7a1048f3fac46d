/* Whether this JVM runs the crashcap CLI itself, for -agentpath: then it does not arm (JAVA_TOOL_OPTIONS, which
 * container recipes set for every JVM, reaches the CLI's own JVM too; the tool is not the application). The same
 * check as -javaagent's premain (agent-java/src/main/java/dev/crashcap/agent/CliJvm.java), except that the jar is
 * recognised only as the crashcap.jar next to this library (the distribution's lib/, which bin/crashcap runs):
 * C reads no jar's contents. */
#ifndef CRASHCAP_CLI_JVM_H
#define CRASHCAP_CLI_JVM_H

#include <jni.h>

/* At VMInit (JNI works, system properties are set). 1 when the JVM's main is dev.crashcap.cli.Main, or the jar of
 * `java -jar` is the same file as the crashcap.jar in this library's folder. */
int cli_jvm_runs_here(JNIEnv *jni);

#endif
