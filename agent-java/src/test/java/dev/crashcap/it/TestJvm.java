package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real JVM started by a test: the JDK under test ({@code crashcap.test.javaHome}), the built
 * crashcap.jar, the test JNI library and the test classes, all passed in by Maven (agent-java/pom.xml).
 */
final class TestJvm {
    static final Path JAR = Path.of(required("crashcap.jar"));
    static final Path TESTLIB = Path.of(required("crashcap.testlib"));
    static final Path TEST_CLASSES = Path.of(required("crashcap.testclasses"));
    static final Path JAVA_HOME = Path.of(System.getProperty("crashcap.test.javaHome", System.getProperty("java.home")));

    record Result(int exitCode, long pid, String stdout, String stderr) {}

    private static final Pattern HS_ERR_SAVED =
            Pattern.compile("# An error report file with more information is saved as:\\R# (\\S+)");

    private TestJvm() {}

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) throw new IllegalStateException("system property " + property + " not set: run with mvn verify");
        return value;
    }

    /**
     * JDK 22+ warns on stderr when class-path code loads a native library (the agent does, and so does
     * the test application); this is the documented flag that silences it (README.md).
     */
    static List<String> nativeAccessFlag() {
        return featureVersion() >= 22 ? List.of("--enable-native-access=ALL-UNNAMED") : List.of();
    }

    /** The feature version of the JDK under test, from its {@code release} file. */
    static int featureVersion() {
        try {
            for (String line : Files.readAllLines(JAVA_HOME.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(version.split("[.+-]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read the version of " + JAVA_HOME, e);
        }
        throw new IllegalStateException("no JAVA_VERSION in " + JAVA_HOME.resolve("release"));
    }

    static String java() {
        return JAVA_HOME.resolve("bin/java").toString();
    }

    /** Runs {@code mainClass} with the agent armed to write into {@code bundles}, in working directory {@code work}. */
    static Result runWithAgent(Path work, Path bundles, List<String> jvmOptions, Map<String, String> env,
                               String mainClass, String... args) throws IOException, InterruptedException {
        return runWithAgentOptions(work, "dir=" + bundles, jvmOptions, env, mainClass, args);
    }

    /** Runs {@code mainClass} with {@code -javaagent:crashcap.jar=<agentOptions>}. */
    static Result runWithAgentOptions(Path work, String agentOptions, List<String> jvmOptions, Map<String, String> env,
                                      String mainClass, String... args) throws IOException, InterruptedException {
        return runWithAgentOptions(work, agentOptions, TEST_CLASSES.toString(), jvmOptions, env, mainClass, args);
    }

    /** {@link #runWithAgentOptions} with a class path of the test's own (the test classes and the jars it needs). */
    static Result runWithAgentOptions(Path work, String agentOptions, String classPath, List<String> jvmOptions,
                                      Map<String, String> env, String mainClass, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.add("-javaagent:" + JAR + "=" + agentOptions);
        command.addAll(nativeAccessFlag());
        command.addAll(jvmOptions);
        command.addAll(List.of("-Dcrashcap.testlib=" + TESTLIB, "-cp", classPath, mainClass));
        command.addAll(List.of(args));
        return run(work, command, env);
    }

    /**
     * Runs {@code mainClass}, which must crash, with the agent ({@link #runWithAgent}) and then the same way without
     * it, and checks that the crash ends exactly as without crashcap: the same exit status, and an hs_err file written
     * in one case if and only if in the other. Every crash test starts its JVM here.
     */
    static Result crashWithAgent(Path work, Path bundles, List<String> jvmOptions, Map<String, String> env,
                                 String mainClass, String... args) throws IOException, InterruptedException {
        return crashWithAgentOptions(work, "dir=" + bundles, jvmOptions, env, mainClass, args);
    }

    /** {@link #crashWithAgent} with {@code -javaagent:crashcap.jar=<agentOptions>}. */
    static Result crashWithAgentOptions(Path work, String agentOptions, List<String> jvmOptions, Map<String, String> env,
                                        String mainClass, String... args) throws IOException, InterruptedException {
        return crashWithAgentOnClassPath(work, agentOptions, TEST_CLASSES.toString(), jvmOptions, env, mainClass, args);
    }

    /** {@link #crashWithAgentOptions} with a class path of the test's own (the test classes and the jars it needs). */
    static Result crashWithAgentOnClassPath(Path work, String agentOptions, String classPath, List<String> jvmOptions,
                                            Map<String, String> env, String mainClass, String... args)
            throws IOException, InterruptedException {
        Result with = runWithAgentOptions(work, agentOptions, classPath, jvmOptions, env, mainClass, args);
        List<String> withoutAgent = new ArrayList<>(command(List.of(), jvmOptions, mainClass, args));
        withoutAgent.set(withoutAgent.indexOf(TEST_CLASSES.toString()), classPath);
        Result without = run(work.resolve("without-agent"), withoutAgent, env);
        assertSameEnd(without, with);
        return with;
    }

    /** A crash with the agent ended as the same crash without it: exit status, and whether hs_err was written. */
    static void assertSameEnd(Result without, Result with) {
        boolean hsErrWithout = hsErrWritten(without);
        boolean hsErrWith = hsErrWritten(with);
        String both = "\nwithout the agent: exit " + without.exitCode() + ", stderr " + firstLines(without.stderr())
                + "\nwith the agent: exit " + with.exitCode() + ", stderr " + firstLines(with.stderr());
        assertEquals(without.exitCode(), with.exitCode(), "the JVM must end with the same exit status with the agent" + both);
        assertEquals(hsErrWithout, hsErrWith, "hs_err written " + (hsErrWithout ? "without the agent but not with it"
                : "with the agent but not without it") + both);
    }

    /**
     * HotSpot wrote its hs_err file: it says where on stdout ("An error report file … is saved as:" and the path on
     * the next line, wherever -XX:ErrorFile or a fallback put it), and the file is there.
     */
    static boolean hsErrWritten(Result jvm) {
        Matcher saved = HS_ERR_SAVED.matcher(jvm.stdout());
        return saved.find() && Files.isRegularFile(Path.of(saved.group(1).strip()));
    }

    private static String firstLines(String text) {
        return text.lines().limit(3).toList().toString();
    }

    static Result runWithoutAgent(Path work, String mainClass, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(nativeAccessFlag());
        command.addAll(List.of("-Dcrashcap.testlib=" + TESTLIB, "-cp", TEST_CLASSES.toString(), mainClass));
        command.addAll(List.of(args));
        return run(work, command, Map.of());
    }

    /**
     * The command line of a test JVM running {@code mainClass} without the agent: {@code prefix} goes first (for
     * example setpriv, to run it as another user).
     */
    static List<String> command(List<String> prefix, List<String> jvmOptions, String mainClass, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.add(java());
        command.addAll(nativeAccessFlag());
        command.addAll(jvmOptions);
        command.addAll(List.of("-Dcrashcap.testlib=" + TESTLIB, "-cp", TEST_CLASSES.toString(), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * The command of an {@link dev.crashcap.testapp.AttachTarget} armed by {@code -javaagent:crashcap.jar=<agentOptions>},
     * its upload thread starting at once (no start delay): the JVM of the tests of the background upload.
     */
    static List<String> uploadingTarget(String agentOptions) {
        List<String> command = new ArrayList<>(List.of(java(), "-javaagent:" + JAR + "=" + agentOptions));
        command.addAll(nativeAccessFlag());
        command.addAll(List.of("-Dcrashcap.uploadDelayMillis=0", "-Dcrashcap.testlib=" + TESTLIB,
                "-cp", TEST_CLASSES.toString(), dev.crashcap.testapp.AttachTarget.class.getName()));
        return command;
    }

    /** The crashcap CLI with {@code prefix} before it (another user) and JVM options for the CLI's own JVM. */
    static Result cli(Path work, List<String> prefix, List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.add(java());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        return run(work, command, Map.of());
    }

    /** The crashcap CLI, as a user runs it: {@code java -jar crashcap.jar …}. */
    static Result cli(Path work, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return run(work, command, Map.of());
    }

    static Result run(Path work, List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Files.createDirectories(work);
        Path out = Files.createTempFile(work, "stdout", ".txt");
        Path err = Files.createTempFile(work, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(process.exitValue(), process.pid(),
                Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
