package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import dev.crashcap.testapp.LibraryUser;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import net.bytebuddy.ByteBuddy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * crashcap.jar lands on the application's class path (with -javaagent, and when attached), so it must bring
 * no library the application might have in another version. It brings none: the attach protocol is spoken with
 * java.base alone, and picocli is relocated. This test shows it with an application that uses its own old JNA
 * (5.5.0) and Byte Buddy (1.10.0), real jars from Maven Central (test dependencies in agent-java/pom.xml).
 */
class DependencyIsolationIT {
    @TempDir
    Path work;

    @Test
    void crashcapJarHoldsOnlyItsOwnClasses() throws IOException {
        try (JarFile jar = new JarFile(TestJvm.JAR.toFile())) {
            List<String> classes = jar.stream().map(e -> e.getName()).collect(Collectors.toList());
            classes.addAll(NestedJarIT.nestedClasses(jar)); // the CLI and picocli, in the jar inside crashcap.jar
            List<String> foreign = classes.stream()
                    .filter(name -> name.endsWith(".class") && !name.startsWith("dev/crashcap/"))
                    .collect(Collectors.toList());
            assertEquals(List.of(), foreign);
        }
    }

    @Test
    void anApplicationWithItsOwnOldJnaAndByteBuddyRunsUnchanged() throws Exception {
        String plain = runTwoRounds(List.of(), false);
        assertTrue(plain.contains("jna 5.5.0 from jna-5.5.0.jar, getpid matches: true"), plain);
        assertTrue(plain.contains("byte-buddy from byte-buddy-1.10.0.jar: made by byte buddy"), plain);

        String javaagent = runTwoRounds(List.of("-javaagent:" + TestJvm.JAR + "=dir=" + work.resolve("bundles")), false);
        assertEquals(plain, javaagent, "with -javaagent");

        String attached = runTwoRounds(List.of(), true);
        assertEquals(plain, attached, "attached between the two rounds");
    }

    /** Runs the application, attaching crashcap after its first round if asked; returns its stdout. */
    private String runTwoRounds(List<String> jvmOptions, boolean attach) throws Exception {
        List<String> command = new ArrayList<>(List.of(TestJvm.java()));
        command.addAll(TestJvm.nativeAccessFlag());
        command.addAll(AttachIT.quiet());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath(), LibraryUser.class.getName()));
        try (RunningJvm app = RunningJvm.start(work.resolve("app"), command, Map.of())) {
            app.awaitOutput(LibraryUser.DONE);
            if (attach) {
                TestJvm.Result result = TestJvm.cli(work, "attach", Long.toString(app.pid()), "dir=" + work.resolve("bundles"));
                assertEquals(0, result.exitCode(), result.stderr());
                assertTrue(result.stdout().startsWith("armed pid"), result.stdout());
            }
            app.send("again");
            long end = System.nanoTime() + 60_000_000_000L;
            while (app.stdout().split(LibraryUser.DONE, -1).length < 3) {
                assertTrue(System.nanoTime() < end && app.process.isAlive(), app.stdout() + app.stderr());
                Thread.sleep(10);
            }
            app.send("exit");
            assertEquals(0, app.awaitExit(), app.stderr());
            assertEquals("", app.stderr(), "nothing on stderr");
            return app.stdout();
        }
    }

    /** The test classes, and the application's own JNA and Byte Buddy jars (from this JVM's class path). */
    private static String classPath() throws URISyntaxException {
        return String.join(File.pathSeparator, TestJvm.TEST_CLASSES.toString(), jarOf(Native.class), jarOf(ByteBuddy.class));
    }

    private static String jarOf(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
