package dev.crashcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages of the production code depend on each other in one direction only (README, Layout): a package
 * that references another, directly or through others, is never referenced back. Read from the sources, so an
 * import, a fully qualified name or a static import counts alike; comments and strings do not.
 */
class PackageCyclesTest {
    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.crashcap\\.([a-z]+)\\.[A-Z]");
    private static final Pattern COMMENT_OR_STRING =
            Pattern.compile("/\\*.*?\\*/|//[^\\n]*|\"(?:\\\\.|[^\"\\\\])*\"", Pattern.DOTALL);

    @Test
    void noPackageReachesItself() throws IOException {
        Map<String, Set<String>> uses = dependencies();
        assertTrue(uses.getOrDefault("cli", Set.of()).contains("bundle"),
                "the scan sees the CLI's use of the bundle model: " + uses);
        List<String> cycles = new ArrayList<>();
        for (String start : uses.keySet()) {
            List<String> path = pathBack(start, uses);
            if (path != null) cycles.add(String.join(" -> ", path));
        }
        assertEquals(List.of(), cycles, "package cycles (each listed from every package on it)");
    }

    /** Package name (last segment) to the packages its classes name; a package naming itself is left out. */
    static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String own = file.getParent().getFileName().toString();
                Set<String> used = uses.computeIfAbsent(own, k -> new TreeSet<>());
                String code = COMMENT_OR_STRING.matcher(Files.readString(file)).replaceAll(" ");
                Matcher m = REFERENCE.matcher(code);
                while (m.find()) {
                    if (!m.group(1).equals(own)) used.add(m.group(1));
                }
            }
        }
        return uses;
    }

    /** A path of dependencies from {@code start} back to itself, or null if there is none. */
    private static List<String> pathBack(String start, Map<String, Set<String>> uses) {
        return search(start, start, uses, new ArrayList<>(List.of(start)), new TreeSet<>());
    }

    private static List<String> search(String at, String goal, Map<String, Set<String>> uses, List<String> path,
            Set<String> seen) {
        for (String next : uses.getOrDefault(at, Set.of())) {
            if (next.equals(goal)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(goal);
                return cycle;
            }
            if (seen.add(next)) {
                path.add(next);
                List<String> found = search(next, goal, uses, path, seen);
                if (found != null) return found;
                path.remove(path.size() - 1);
            }
        }
        return null;
    }
}
