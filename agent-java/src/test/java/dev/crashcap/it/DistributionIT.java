package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crashcap.testapp.Crasher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as a user gets it: the tarball {@code mvn package} leaves
 * ({@code crashcap-<version>-<platform>.tar.gz}), unpacked with tar into an empty folder, then used as README.md's
 * "Use" section says: {@code bin/crashcap …}, and {@code -javaagent:…/lib/crashcap.jar} or
 * {@code -agentpath:…/lib/libcrashcap.so} in a JVM that really crashes. The launcher finds its Java through JAVA_HOME
 * or the PATH, and says so in one line when there is none.
 */
class DistributionIT {
    private static final Path TARBALL = Path.of(System.getProperty("crashcap.tarball", "crashcap.tarball-not-set"));
    private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    @TempDir
    Path work;
    /** The unpacked distribution: {@code <work>/crashcap-<version>-<platform>/}. */
    private Path home;

    @BeforeEach
    void unpack() throws Exception {
        assertTrue(Files.isRegularFile(TARBALL), "the tarball mvn package leaves: " + TARBALL);
        Path into = Files.createDirectories(work.resolve("unpacked"));
        Result tar = run(List.of("tar", "-xzf", TARBALL.toString(), "-C", into.toString()), Map.of(), List.of());
        assertEquals(0, tar.exitCode(), tar.stderr());
        try (Stream<Path> top = Files.list(into)) {
            List<Path> folders = top.toList();
            assertEquals(1, folders.size(), "one top folder, named like the tarball: " + folders);
            home = folders.get(0);
        }
        String name = TARBALL.getFileName().toString();
        assertEquals(name.substring(0, name.length() - ".tar.gz".length()), home.getFileName().toString());
    }

    @Test
    void layoutAndModes() throws Exception {
        assertEquals("rwxr-xr-x", mode(home.resolve("bin/crashcap")));
        assertEquals("rw-r--r--", mode(home.resolve("lib/crashcap.jar")));
        assertEquals("rwxr-xr-x", mode(home.resolve("lib/libcrashcap.so")));
        assertEquals("rw-r--r--", mode(home.resolve("README")));
        String readme = Files.readString(home.resolve("README"));
        assertTrue(readme.startsWith("crashcap " + version() + " for "), readme);
        // lib/libcrashcap.so is the jar's own copy, byte for byte (README: "the same native library")
        try (ZipFile jar = new ZipFile(home.resolve("lib/crashcap.jar").toFile());
             InputStream inside = jar.getInputStream(jar.getEntry("native/linux-x86_64/libcrashcap.so"))) {
            assertArrayEquals(inside.readAllBytes(), Files.readAllBytes(home.resolve("lib/libcrashcap.so")));
        }
    }

    @Test
    void versionWithJavaHomeAndWithJavaOnThePath() throws Exception {
        Result withHome = launcher(Map.of("JAVA_HOME", TestJvm.JAVA_HOME.toString()), List.of(), "--version");
        assertEquals(0, withHome.exitCode(), withHome.stderr());
        assertEquals("crashcap " + version() + "\n", withHome.stdout());
        String path = TestJvm.JAVA_HOME.resolve("bin") + ":/usr/bin:/bin";
        Result onPath = launcher(Map.of("PATH", path), List.of("JAVA_HOME"), "--version");
        assertEquals(0, onPath.exitCode(), onPath.stderr());
        assertEquals(withHome.stdout(), onPath.stdout());
    }

    @Test
    void javaHomeOfJdk25() throws Exception {
        assumeTrue(Files.isExecutable(JDK25.resolve("bin/java")), "no JDK 25 at " + JDK25);
        Result version = launcher(Map.of("JAVA_HOME", JDK25.toString()), List.of(), "--version");
        assertEquals(0, version.exitCode(), version.stderr());
        assertEquals("crashcap " + version() + "\n", version.stdout());
    }

    /** No JAVA_HOME and no java on the PATH (nor anything else: the launcher needs only shell built-ins to say so). */
    @Test
    void noJavaIsOneLine() throws Exception {
        Path empty = Files.createDirectories(work.resolve("empty-bin"));
        Result none = launcher(Map.of("PATH", empty.toString()), List.of("JAVA_HOME"), "--version");
        assertOneLine(none, "crashcap: no Java found: set JAVA_HOME or put java (17 or newer) on the PATH");
        Result wrongHome = launcher(Map.of("JAVA_HOME", empty.toString()), List.of(), "--version");
        assertOneLine(wrongHome, "crashcap: JAVA_HOME is " + empty + ", which has no bin/java");
    }

    /**
     * A runtime older than 17, as its {@code release} file says (the launcher reads that file rather than start a
     * JVM); its bin/java must never run, so it is a script that would print something.
     */
    @Test
    void javaOlderThan17IsOneLine() throws Exception {
        Path old = Files.createDirectories(work.resolve("jdk-11/bin"));
        Path java = Files.writeString(old.resolve("java"), "#!/bin/sh\necho ran\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(old.getParent().resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"11.0.2\"\n");
        Result tooOld = launcher(Map.of("JAVA_HOME", old.getParent().toString()), List.of(), "--version");
        assertOneLine(tooOld, "is Java 11: crashcap needs Java 17 or newer");
    }

    /** README's "Use": arm with the unpacked lib/crashcap.jar, crash for real, read the bundle with bin/crashcap. */
    @Test
    void crashArmedFromLibThenInspectedWithTheLauncher() throws Exception {
        Path bundles = work.resolve("bundles");
        Path app = Files.createDirectories(work.resolve("app"));
        List<String> command = TestJvm.command(List.of(),
                List.of("-javaagent:" + home.resolve("lib/crashcap.jar") + "=dir=" + bundles),
                Crasher.class.getName(), "segv");
        TestJvm.Result crash = TestJvm.run(app, command, Map.of());
        assertNotEquals(0, crash.exitCode(), "the JVM died: " + crash.stderr());
        Path bundle = Inspect.onlyBundle(bundles);
        Inspect.json(work, bundle); // the invariants of every bundle

        Result inspect = launcher(Map.of("JAVA_HOME", TestJvm.JAVA_HOME.toString()), List.of(),
                "inspect", bundle.toString());
        assertEquals(0, inspect.exitCode(), inspect.stderr());
        String report = inspect.stdout();
        assertTrue(report.contains("SIGSEGV"), report);
        assertTrue(report.contains("crashcaptest_write_null"), report);
        assertTrue(report.contains(Crasher.THREAD_NAME), report);
    }

    /** README's "Use", the native way: -agentpath:…/lib/libcrashcap.so of the unpacked tarball, then bin/crashcap. */
    @Test
    void crashArmedWithAgentpathFromLib() throws Exception {
        Path bundles = work.resolve("bundles");
        Path app = Files.createDirectories(work.resolve("app"));
        List<String> command = TestJvm.command(List.of(),
                List.of("-agentpath:" + home.resolve("lib/libcrashcap.so") + "=dir=" + bundles),
                Crasher.class.getName(), "segv");
        TestJvm.Result crash = TestJvm.run(app, command, Map.of());
        assertNotEquals(0, crash.exitCode(), "the JVM died: " + crash.stderr());
        assertEquals("", crash.stderr());
        Path bundle = Inspect.onlyBundle(bundles);
        Inspect.json(work, bundle);
        Result inspect = launcher(Map.of("JAVA_HOME", TestJvm.JAVA_HOME.toString()), List.of(),
                "inspect", bundle.toString());
        assertEquals(0, inspect.exitCode(), inspect.stderr());
        assertTrue(inspect.stdout().contains("crashcaptest_write_null"), inspect.stdout());
    }

    private record Result(int exitCode, String stdout, String stderr) {}

    private static void assertOneLine(Result result, String expected) {
        assertEquals(2, result.exitCode(), result.toString());
        assertEquals("", result.stdout());
        assertTrue(result.stderr().startsWith("crashcap: "), result.stderr());
        assertTrue(result.stderr().contains(expected), result.stderr());
        assertEquals(1, result.stderr().lines().count(), "exactly one line: " + result.stderr());
    }

    /** {@code bin/crashcap args…}, started directly (its #! line), with these variables set and those removed. */
    private Result launcher(Map<String, String> set, List<String> unset, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/crashcap").toString()));
        command.addAll(List.of(args));
        return run(command, set, unset);
    }

    private Result run(List<String> command, Map<String, String> set, List<String> unset)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(work, "stdout", ".txt");
        Path err = Files.createTempFile(work, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeAll(unset);
        builder.environment().putAll(set);
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    /** The version in the tarball's name: crashcap-<version>-linux-x86_64.tar.gz. */
    private static String version() {
        String name = TARBALL.getFileName().toString();
        return name.substring("crashcap-".length(), name.lastIndexOf("-linux-"));
    }
}
