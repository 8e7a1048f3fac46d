package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.launch.NestedClasses;
import dev.crashcap.testapp.AttachTarget;
import dev.crashcap.testapp.NestedClassesCheck;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * crashcap.jar keeps at its top level only the packages an armed JVM loads, and every other class in a jar inside it
 * (agent-java/src/packaging/NestJar.java; dev.crashcap.launch.NestedClasses loads them). These tests read the built jar and
 * run it: no package in both places, every nested class loadable with the types it names, and an armed JVM that is
 * started, dumped and exits without touching a nested class.
 */
class NestedJarIT {
    @TempDir
    Path work;

    @Test
    void noPackageIsSplitBetweenTheTopLevelAndTheNestedJar() throws IOException {
        Set<String> top = new TreeSet<>();
        Set<String> nested = new TreeSet<>();
        try (JarFile jar = new JarFile(TestJvm.JAR.toFile())) {
            jar.stream().map(ZipEntry::getName).filter(name -> name.endsWith(".class")).map(NestedJarIT::packageOf)
                    .forEach(top::add);
            for (String name : nestedClasses(jar)) nested.add(packageOf(name));
            assertTrue(top.contains("dev/crashcap/agent"), top.toString());
            assertTrue(nested.contains("dev/crashcap/cli") && nested.contains("dev/crashcap/shaded/picocli"),
                    nested.toString());
            Set<String> both = new TreeSet<>(top);
            both.retainAll(nested);
            assertEquals(Set.of(), both, "a package in both would be split between two class loaders");
        }
    }

    @Test
    void everyNestedClassLoadsThroughTheNestedLoader() throws Exception {
        TestJvm.Result check = TestJvm.run(work, List.of(TestJvm.java(), "-cp",
                TestJvm.JAR + ":" + TestJvm.TEST_CLASSES, NestedClassesCheck.class.getName()), Map.of());
        assertEquals(0, check.exitCode(), check.stdout() + check.stderr());
        int count;
        try (JarFile jar = new JarFile(TestJvm.JAR.toFile())) {
            count = nestedClasses(jar).size();
        }
        assertTrue(count > 100, "nested classes: " + count);
        assertTrue(check.stdout().startsWith("loaded " + count + " of " + count + "\n"), check.stdout());
        // attach and dump pass the CLI's code source to the target as the agent jar: it must be crashcap.jar itself
        assertTrue(check.stdout().contains("code source " + TestJvm.JAR.toRealPath() + "\n"), check.stdout());
        assertFalse(check.stdout().contains("version null"), check.stdout());
    }

    @Test
    void anArmedJvmThatIsDumpedLoadsNoNestedClass() throws Exception {
        Path log = work.resolve("class-load.log");
        List<String> command = new ArrayList<>(List.of(TestJvm.java(), "-javaagent:" + TestJvm.JAR + "=dir=" + work.resolve("bundles"),
                "-Xlog:class+load=info:file=" + log));
        command.addAll(TestJvm.nativeAccessFlag());
        command.addAll(List.of("-Dcrashcap.testlib=" + TestJvm.TESTLIB, "-cp", TestJvm.TEST_CLASSES.toString(),
                AttachTarget.class.getName()));
        try (RunningJvm target = RunningJvm.start(work.resolve("target"), command, Map.of())) {
            target.awaitOutput(AttachTarget.READY);
            TestJvm.Result dump = TestJvm.cli(work, "dump", String.valueOf(target.pid()), "--out", work.resolve("dumps").toString());
            assertEquals(0, dump.exitCode(), dump.stderr());
            target.send("exit");
            assertEquals(0, target.awaitExit(), target.stderr());
        }
        Set<String> nested = new TreeSet<>();
        try (JarFile jar = new JarFile(TestJvm.JAR.toFile())) {
            for (String name : nestedClasses(jar)) nested.add(name.substring(0, name.length() - 6).replace('/', '.'));
        }
        List<String> loaded = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            int start = line.indexOf("] ") + 2;
            int end = line.indexOf(' ', start);
            if (start > 1 && end > start) loaded.add(line.substring(start, end));
        }
        assertTrue(loaded.contains("dev.crashcap.agent.Dump"), "the log must show the dump's classes: " + log);
        List<String> wrong = loaded.stream()
                .filter(name -> nested.contains(name) || name.equals(NestedClasses.class.getName())).toList();
        assertEquals(List.of(), wrong, "an armed JVM must load only crashcap.jar's top level");
    }

    /** The class files in the jar's nested jar. */
    static List<String> nestedClasses(JarFile jar) throws IOException {
        List<String> names = new ArrayList<>();
        ZipEntry entry = jar.getEntry(NestedClasses.ENTRY);
        assertTrue(entry != null, "no " + NestedClasses.ENTRY + " in " + TestJvm.JAR);
        try (InputStream bytes = jar.getInputStream(entry); ZipInputStream in = new ZipInputStream(bytes)) {
            for (ZipEntry inner; (inner = in.getNextEntry()) != null; ) {
                if (inner.getName().endsWith(".class")) names.add(inner.getName());
            }
        }
        return names;
    }

    static String packageOf(String name) {
        return name.substring(0, Math.max(0, name.lastIndexOf('/')));
    }
}
