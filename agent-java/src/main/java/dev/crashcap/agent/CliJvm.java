package dev.crashcap.agent;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * Whether this JVM runs the crashcap CLI itself: then {@code -javaagent:crashcap.jar} (from {@code JAVA_TOOL_OPTIONS},
 * which container recipes set for every JVM, docs/containers.md) does not arm it. The tool is not the application: arming
 * it would make its bundle folder and could start an upload thread in it. The JVM's own "Picked up JAVA_TOOL_OPTIONS"
 * line is still printed; the launcher cannot take that back.
 *
 * <p>The CLI is the JVM's main when the command is {@value #JAR_MAIN} (crashcap.jar's Main-Class) or {@value #CLI_MAIN}
 * (the CLI itself, run from a build's classes), or when it is {@code java -jar X.jar} and X.jar
 * holds this agent's classes: the system class loader finds them in the main jar before the agent's jar (appended to the
 * class path after it), so this class's code source is then the main jar, whichever copy of crashcap.jar it is.
 * {@code -agentpath} has the same check in C (agent-native/src/arming/cli_jvm.c).
 */
final class CliJvm {
    /** crashcap.jar's Main-Class (agent-java/pom.xml), which runs the CLI from the jar's nested classes. */
    static final String JAR_MAIN = "dev.crashcap.launch.Main";
    /** The CLI's own main class. */
    static final String CLI_MAIN = "dev.crashcap.cli.Main";

    private CliJvm() {}

    static boolean runsHere() {
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
            CodeSource source = CliJvm.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
