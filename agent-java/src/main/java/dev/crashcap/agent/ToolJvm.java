package dev.crashcap.agent;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * Whether this JVM runs a tool rather than the application: the crashcap CLI itself, or a JDK tool (jcmd, jstack, jps,
 * keytool, jshell…). Then {@code -javaagent:crashcap.jar} (from {@code JAVA_TOOL_OPTIONS}, which container recipes set
 * for every JVM, docs/containers.md) does not arm it: arming a tool would make a bundle folder where it runs and could
 * start an upload thread in it. The JVM's own "Picked up JAVA_TOOL_OPTIONS" line is still printed; the launcher cannot
 * take that back.
 *
 * <p>A JDK tool runs a main class of one of the JDK's own modules ({@code jdk.module.main}: jdk.jcmd for jcmd,
 * java.base for keytool): names starting {@code java.} are reserved to the JDK, and {@code jdk.} is its by convention.
 *
 * <p>The CLI is the JVM's main when the command is {@value #JAR_MAIN} (crashcap.jar's Main-Class) or {@value #CLI_MAIN}
 * (the CLI itself, run from a build's classes), or when it is {@code java -jar X.jar} and X.jar
 * holds this agent's classes: the system class loader finds them in the main jar before the agent's jar (appended to the
 * class path after it), so this class's code source is then the main jar, whichever copy of crashcap.jar it is.
 * {@code -agentpath} has the same check in C (agent-native/src/arming/tool_jvm.c).
 */
final class ToolJvm {
    /** crashcap.jar's Main-Class (agent-java/pom.xml), which runs the CLI from the jar's nested classes. */
    static final String JAR_MAIN = "dev.crashcap.launch.Main";
    /** The CLI's own main class. */
    static final String CLI_MAIN = "dev.crashcap.cli.Main";

    private ToolJvm() {}

    static boolean runsHere() {
        if (isJdkModule(System.getProperty("jdk.module.main"))) return true;
        String command = System.getProperty("sun.java.command");
        if (isCliMain(command)) return true;
        String mainJar = mainJar(command, System.getProperty("java.class.path"));
        if (mainJar == null) return false;
        Path own = ownJar();
        try {
            return own != null && Files.isSameFile(Path.of(mainJar), own);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** {@code module}: jdk.module.main, the main module, null when the main class is on the class path. */
    static boolean isJdkModule(String module) {
        return module != null && (module.startsWith("jdk.") || module.startsWith("java."));
    }

    /** {@code command}: sun.java.command, the main class or jar and the arguments, as the java launcher sets it. */
    static boolean isCliMain(String command) {
        return startsWith(command, JAR_MAIN) || startsWith(command, CLI_MAIN);
    }

    /** Whether the command's first word is {@code first}. */
    private static boolean startsWith(String command, String first) {
        return command != null && (command.equals(first) || command.startsWith(first + " "));
    }

    /**
     * The main jar of {@code java -jar X.jar …}, or null for a JVM started with a main class (or not by the java
     * launcher: no command). Under {@code -jar} the launcher makes the class path (java.class.path) that jar and the
     * command start with it, then the arguments.
     */
    static String mainJar(String command, String classPath) {
        if (command == null || classPath == null) return null;
        int end = classPath.indexOf(File.pathSeparatorChar);
        String first = end < 0 ? classPath : classPath.substring(0, end);
        if (first.isEmpty() || !(command.equals(first) || command.startsWith(first + " "))) return null;
        return first;
    }

    /** Asked only when the command is a jar: the code source costs a URI and a path. */
    private static Path ownJar() {
        try {
            CodeSource source = ToolJvm.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
