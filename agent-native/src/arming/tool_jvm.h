/* Whether this JVM runs a tool rather than the application, for -agentpath: the crashcap CLI itself, or a JDK tool
 * (jcmd, jstack, jps, keytool, jshell…: its main module is one of the JDK's). Then it does not arm:
 * JAVA_TOOL_OPTIONS, which container recipes set for every JVM, reaches those JVMs too, and arming them would make
 * a bundle folder where they run and could start an upload thread in them. The same check as -javaagent's premain
 * (agent-java/src/main/java/dev/crashcap/agent/ToolJvm.java), except that the crashcap jar is recognised only as
 * the crashcap.jar next to this library (the distribution's lib/, which bin/crashcap runs): C reads no jar's contents. */
#ifndef CRASHCAP_TOOL_JVM_H
#define CRASHCAP_TOOL_JVM_H

#include <jni.h>

/* At VMInit (JNI works, system properties are set). 1 when the JVM's main module is one of the JDK's (jdk.*, java.*),
 * its main class is crashcap's (dev.crashcap.launch.Main, dev.crashcap.cli.Main), or the jar of `java -jar` is the
 * same file as the crashcap.jar in this library's folder. */
int tool_jvm_runs_here(JNIEnv *jni);

#endif
