package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.Crasher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container recipe of docs/containers.md without a container: the agent comes in through
 * {@code JAVA_TOOL_OPTIONS=-javaagent:…=dir=<volume>/bundles}, as a Dockerfile's ENV or a pod spec sets it, the application's
 * command line is untouched, and bundles go to the mounted volume, not the working directory. A real crash: the
 * bundle is there, and stderr holds the JVM's "Picked up JAVA_TOOL_OPTIONS" line and whatever the JVM prints for the
 * same crash without crashcap, nothing else.
 */
class ContainerRecipeIT {
    @TempDir
    Path work;

    @Test
    void javaToolOptionsArmsTheJvmAndTheCrashLandsOnTheVolume() throws Exception {
        // A volume's root is often writable by others (an emptyDir is 0777), which the agent refuses as a bundle
        // folder: the recipe points dir at a folder inside it, which the agent makes 0700.
        Path volume = Files.createDirectories(work.resolve("volume"));
        Files.setPosixFilePermissions(volume, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path bundles = volume.resolve("bundles");
        Path app = work.resolve("app");
        String toolOptions = String.join(" ", flags("-javaagent:" + TestJvm.JAR + "=dir=" + bundles));
        TestJvm.Result with = TestJvm.run(app, plainJava(Crasher.class.getName(), "segv"),
                Map.of("JAVA_TOOL_OPTIONS", toolOptions));
        String withoutOptions = String.join(" ", flags("-Dcrashcap.none=1"));
        TestJvm.Result without = TestJvm.run(work.resolve("without"), plainJava(Crasher.class.getName(), "segv"),
                Map.of("JAVA_TOOL_OPTIONS", withoutOptions));
        TestJvm.assertSameEnd(without, with);

        List<String> stderr = with.stderr().lines().toList();
        assertEquals("Picked up JAVA_TOOL_OPTIONS: " + toolOptions, stderr.get(0), with.stderr());
        assertEquals("Picked up JAVA_TOOL_OPTIONS: " + withoutOptions, without.stderr().lines().findFirst().orElse(""));
        assertEquals(without.stderr().lines().skip(1).toList(), stderr.subList(1, stderr.size()),
                "nothing on stderr but what the JVM prints without crashcap");

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(bundles)));
        Map<String, Object> json = Inspect.json(work, Inspect.onlyBundle(bundles));
        assertEquals("SIGSEGV", JsonReader.get(json, "signal.name"));
        assertEquals(Crasher.THREAD_NAME, JsonReader.get(json, "crashingThread.name"));
        assertFalse(Files.exists(app.resolve("crashcap")), "nothing in the working directory");
    }

    /**
     * The same variable reaches the crashcap CLI's own JVM ({@code kubectl exec … crashcap dump 1}): the tool must not
     * arm itself. Each way in (-javaagent, -agentpath from the distribution) under each way to start the CLI
     * (bin/crashcap, {@code java -jar lib/crashcap.jar}): stderr holds the JVM's "Picked up" line and nothing else, and
     * nothing appears in the bundle folder the options name nor in the library cache ($XDG_CACHE_HOME). The -javaagent
     * jar is the build's crashcap.jar, another copy than the one the CLI runs from.
     */
    @Test
    void theCliUnderJavaToolOptionsDoesNotArmItself() throws Exception {
        Path distribution = Path.of(System.getProperty("crashcap.distribution", "not-set"));
        Path cache = work.resolve("cache");
        List<List<String>> launches = List.of(List.of(distribution.resolve("bin/crashcap").toString()),
                List.of(TestJvm.java(), "-jar", distribution.resolve("lib/crashcap.jar").toString()));
        List<String> waysIn = List.of("-javaagent:" + TestJvm.JAR, "-agentpath:" + distribution.resolve("lib/libcrashcap.so"));
        int run = 0;
        for (String wayIn : waysIn) {
            for (List<String> launch : launches) {
                Path bundles = work.resolve("bundles-" + run++);
                String toolOptions = wayIn + "=dir=" + bundles;
                List<String> command = new ArrayList<>(launch);
                command.add("--version");
                TestJvm.Result cli = TestJvm.run(work.resolve("cli"), command, Map.of("JAVA_TOOL_OPTIONS", toolOptions,
                        "JAVA_HOME", TestJvm.JAVA_HOME.toString(), "XDG_CACHE_HOME", cache.toString()));
                String what = wayIn.substring(0, wayIn.indexOf(':')) + " with " + launch.get(0) + ": " + cli;
                assertEquals(0, cli.exitCode(), what);
                assertTrue(cli.stdout().startsWith("crashcap "), what);
                assertEquals("Picked up JAVA_TOOL_OPTIONS: " + toolOptions + "\n", cli.stderr(), what);
                assertFalse(Files.exists(bundles), "no bundle folder: " + what);
                assertFalse(Files.exists(cache), "no library cache: " + what);
            }
        }
        assertFalse(Files.exists(work.resolve("cli/crashcap")), "nothing in the working directory");
    }

    /**
     * JDK tools run under JAVA_TOOL_OPTIONS too (an operator's {@code jcmd 1 Thread.print} in the container): they are
     * not armed, by either way in. Each tool's stderr holds the "Picked up" line and nothing else, and no bundle
     * folder, library cache or {@code ./crashcap} appears. jcmd runs from module jdk.jcmd, keytool from java.base.
     */
    @Test
    void jdkToolsUnderJavaToolOptionsAreNotArmed() throws Exception {
        Path distribution = Path.of(System.getProperty("crashcap.distribution", "not-set"));
        Path cache = work.resolve("cache");
        List<String> waysIn = List.of("-javaagent:" + TestJvm.JAR, "-agentpath:" + distribution.resolve("lib/libcrashcap.so"));
        List<List<String>> tools = List.of(List.of(TestJvm.JAVA_HOME.resolve("bin/jcmd").toString(), "-l"),
                List.of(TestJvm.JAVA_HOME.resolve("bin/keytool").toString(), "-help"));
        int run = 0;
        for (String wayIn : waysIn) {
            for (List<String> tool : tools) {
                Path bundles = work.resolve("bundles-" + run++);
                String toolOptions = wayIn + "=dir=" + bundles;
                TestJvm.Result result = TestJvm.run(work.resolve("tool"), tool, Map.of("JAVA_TOOL_OPTIONS", toolOptions,
                        "XDG_CACHE_HOME", cache.toString()));
                String what = wayIn.substring(0, wayIn.indexOf(':')) + " with " + tool + ": " + result;
                assertEquals(0, result.exitCode(), what);
                String pickedUp = "Picked up JAVA_TOOL_OPTIONS: " + toolOptions + "\n";
                assertTrue(result.stderr().startsWith(pickedUp), what);
                assertFalse(result.stderr().substring(pickedUp.length()).contains("crashcap"), what); // keytool's help is there
                assertFalse(Files.exists(bundles), "no bundle folder: " + what);
                assertFalse(Files.exists(cache), "no library cache: " + what);
            }
        }
        assertFalse(Files.exists(work.resolve("tool/crashcap")), "nothing in the working directory");
    }

    /** JDK 22+ also needs its native-access flag there, or it warns about the agent's library (README.md). */
    private static List<String> flags(String option) {
        List<String> flags = new ArrayList<>(List.of(option));
        flags.addAll(TestJvm.nativeAccessFlag());
        return flags;
    }

    /** The application's own command, as in the image: nothing of crashcap on it. */
    private static List<String> plainJava(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(TestJvm.java(), "-Dcrashcap.testlib=" + TestJvm.TESTLIB,
                "-cp", TestJvm.TEST_CLASSES.toString(), mainClass));
        command.addAll(List.of(args));
        return command;
    }
}
