package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Java runtimes made by jlink from the JDK under test, as slim container images ship them: every module crashcap uses
 * ({@link #ALL}) but one, or java.base alone. Built once and kept under {@code agent-java/target/jlink/} (a runtime is
 * about 50 MB and takes a second to link), keyed by the JDK, so that reruns and other test classes reuse them.
 */
final class JlinkRuntimes {
    /** What crashcap.jar uses beyond java.base (jdeps): README.md, "Java runtimes made by jlink". */
    static final List<String> ALL = List.of("java.base", "java.instrument", "java.management", "java.net.http");

    private JlinkRuntimes() {}

    /**
     * A runtime with every module of {@link #ALL} except {@code module}, and jdk.unsupported, which the test
     * application ThreadsApp needs (sun.misc.Unsafe), not crashcap.
     */
    static Path without(String module) throws IOException, InterruptedException {
        List<String> modules = new ArrayList<>(ALL);
        modules.remove(module);
        modules.add("jdk.unsupported");
        return runtime("app-without-" + module, modules);
    }

    /** What -javaagent needs, and nothing more: java.base and java.instrument. */
    static Path javaagentOnly() throws IOException, InterruptedException {
        return runtime("java.instrument-only", List.of("java.base", "java.instrument"));
    }

    /** A runtime with java.base alone. */
    static Path javaBaseOnly() throws IOException, InterruptedException {
        return runtime("java.base-only", List.of("java.base"));
    }

    private static synchronized Path runtime(String name, List<String> modules) throws IOException, InterruptedException {
        Path cache = TestJvm.JAR.getParent().resolve("jlink").resolve(jdkKey());
        Path runtime = cache.resolve(name);
        if (Files.isExecutable(runtime.resolve("bin/java"))) return runtime;
        Files.createDirectories(cache);
        Path building = Files.createTempDirectory(cache, name + ".building-");
        Path output = building.resolve("image"); // jlink wants to create its output folder itself
        Process jlink = new ProcessBuilder(TestJvm.JAVA_HOME.resolve("bin/jlink").toString(), "--add-modules",
                String.join(",", modules), "--no-header-files", "--no-man-pages", "--output", output.toString())
                .redirectErrorStream(true).start();
        String log = new String(jlink.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, jlink.waitFor(), "jlink " + modules + ": " + log);
        try {
            Files.move(output, runtime, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!Files.isExecutable(runtime.resolve("bin/java"))) throw e; // else built meanwhile by another fork
        }
        Files.deleteIfExists(building); // empty unless the move failed, when it holds a spare copy
        return runtime;
    }

    /** One folder per JDK: its feature version and where it lives. */
    private static String jdkKey() {
        return TestJvm.featureVersion() + "-" + Integer.toHexString(TestJvm.JAVA_HOME.toAbsolutePath().toString().hashCode());
    }
}
