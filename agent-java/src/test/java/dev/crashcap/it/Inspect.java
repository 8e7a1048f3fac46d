package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.crashcap.bundle.JsonReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What the integration tests share: finding the bundle a JVM left, and reading it through {@code inspect --json}. */
final class Inspect {
    private Inspect() {
    }

    /** The one bundle in {@code bundles}; fails unless there is exactly one. */
    static Path onlyBundle(Path bundles) throws IOException {
        try (Stream<Path> entries = Files.list(bundles)) {
            List<Path> all = entries.collect(Collectors.toList());
            assertEquals(1, all.size(), "exactly one bundle: " + all);
            return all.get(0);
        }
    }

    /**
     * {@code crashcap inspect --json <bundle>}, run as a user runs it, parsed, and checked against the oracles of
     * {@link BundleInvariants}: every test that reads a bundle reads it here, so none can skip them.
     */
    static Map<String, Object> json(Path work, Path bundle) throws IOException, InterruptedException {
        return json(work, bundle, json -> { });
    }

    /**
     * {@link #json(Path, Path)} with the test's own {@code check} of the bundle run too, before the invariants: when
     * both fail, the failure says both (an oracle test shows its own findings even where an invariant breaks).
     */
    static Map<String, Object> json(Path work, Path bundle, Consumer<Map<String, Object>> check)
            throws IOException, InterruptedException {
        return json(work, bundle, check, null);
    }

    /** {@link #json(Path, Path)} of a bundle from a container whose own /tmp is gone: see BundleInvariants. */
    static Map<String, Object> jsonOfAContainer(Path work, Path bundle, String containersOwnFolder)
            throws IOException, InterruptedException {
        return json(work, bundle, json -> { }, containersOwnFolder);
    }

    private static Map<String, Object> json(Path work, Path bundle, Consumer<Map<String, Object>> check,
                                            String unseenFolder) throws IOException, InterruptedException {
        TestJvm.Result inspect = TestJvm.cli(work, "inspect", "--json", bundle.toString());
        assertEquals(0, inspect.exitCode(), inspect.stderr());
        Map<String, Object> json = JsonReader.object(inspect.stdout());
        AssertionError own = null;
        try {
            check.accept(json);
        } catch (AssertionError e) {
            own = e;
        }
        try {
            BundleInvariants.check(json, unseenFolder);
        } catch (AssertionError invariants) {
            throw own == null ? invariants : new AssertionError(own.getMessage() + "\n" + invariants.getMessage(), own);
        }
        if (own != null) {
            throw own;
        }
        return json;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object json, String path) {
        return (Map<String, Object>) JsonReader.get(json, path);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> objects(Object json, String path) {
        return (List<Map<String, Object>>) JsonReader.get(json, path);
    }

    /** The function of every frame, {@code "null"} for Java frames and unknown functions, innermost first. */
    static List<String> functions(List<Map<String, Object>> frames) {
        return frames.stream().map(frame -> String.valueOf(frame.get("function"))).collect(Collectors.toList());
    }

    /** {@code class.method} of every Java frame, innermost first. */
    static List<String> javaMethods(List<Map<String, Object>> frames) {
        return frames.stream().filter(frame -> "java".equals(frame.get("kind")))
                .map(frame -> frame.get("class") + "." + frame.get("method")).collect(Collectors.toList());
    }

    /** The thread named {@code name} in the {@code threads} list; fails if there is none. */
    static Map<String, Object> thread(Map<String, Object> json, String name) {
        return objects(json, "threads").stream().filter(thread -> Objects.equals(name, thread.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + name + " in " + threadNames(json)));
    }

    static List<Object> threadNames(Map<String, Object> json) {
        return objects(json, "threads").stream().map(thread -> thread.get("name")).collect(Collectors.toList());
    }
}
