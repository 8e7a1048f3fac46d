package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.testapp.Crasher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading never changes the evidence: after a real crash, {@code list} and {@code inspect} (every form) leave the
 * bundle folder exactly as the crash left it; {@code finish} is what adds hs_err.log, manifest.json and bundle.zip.
 * {@code inspect --brief} fits in 40 lines.
 */
class ReadingIT {
    @TempDir
    Path work;

    @Test
    void listAndInspectWriteNothingAndFinishDoesTheFinishing() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.Result jvm = TestJvm.crashWithAgent(work, bundles, List.of(), Map.of(), Crasher.class.getName(), "segv");
        assertTrue(jvm.exitCode() != 0, jvm.stderr());
        Path bundle = Inspect.onlyBundle(bundles);
        Map<String, String> before = tree(bundles);

        for (List<String> args : List.of(List.of("list", bundles.toString()),
                List.of("list", "--json", bundles.toString()),
                List.of("inspect", bundle.toString()), List.of("inspect", "--json", bundle.toString()),
                List.of("inspect", "--brief", bundle.toString()))) {
            TestJvm.Result result = TestJvm.cli(work, args.toArray(String[]::new));
            assertEquals(0, result.exitCode(), args + ": " + result.stderr());
            assertEquals(before, tree(bundles), "crashcap " + String.join(" ", args) + " changed the bundle folder");
        }

        Inspect.json(work, bundle); // the invariants of every bundle (reading it writes nothing either)
        assertEquals(before, tree(bundles));

        TestJvm.Result brief = TestJvm.cli(work, "inspect", "--brief", bundle.toString());
        List<String> lines = brief.stdout().lines().toList();
        assertTrue(lines.size() <= 40, lines.size() + " lines:\n" + brief.stdout());
        for (String expected : List.of("SIGSEGV", "problematic frame:", "crashcaptest_write_null", "suspect module:",
                "libcrashcaptest.so", "loaded by:", Crasher.class.getName(), "CRASHING THREAD \"crash-worker\"",
                "crashcaptest_level1", "at dev.crashcap.testapp.Crasher.crash")) {
            assertTrue(brief.stdout().contains(expected), "no " + expected + " in:\n" + brief.stdout());
        }
        assertTrue(!brief.stdout().contains("MODULES") && !brief.stdout().contains("ENVIRONMENT"), brief.stdout());

        TestJvm.Result finish = TestJvm.cli(work, "finish", bundle.toString());
        assertEquals(0, finish.exitCode(), finish.stdout() + finish.stderr());
        assertTrue(finish.stdout().startsWith("finished  "), finish.stdout());
        for (String file : List.of("hs_err.log", "manifest.json", "bundle.zip", "symbols.txt")) {
            assertTrue(Files.isRegularFile(bundle.resolve(file)), file + " after finish: " + tree(bundles).keySet());
        }
        Map<String, String> finished = tree(bundles);
        TestJvm.Result again = TestJvm.cli(work, "finish", bundles.toString()); // a folder: each bundle in it
        assertEquals(0, again.exitCode(), again.stdout() + again.stderr());
        assertEquals(finished, tree(bundles), "finishing a finished bundle changes nothing");
    }

    @Test
    void finishRefusesWhatIsNeitherABundleNorAFolder() throws Exception {
        Path file = Files.writeString(work.resolve("notes.txt"), "x");
        TestJvm.Result result = TestJvm.cli(work, "finish", file.toString());
        assertEquals(2, result.exitCode());
        assertEquals("crashcap: not a bundle or a folder of bundles: " + file, result.stderr().strip());
    }

    /** Every file under {@code folder}: its relative path to its size and modification time. */
    private static Map<String, String> tree(Path folder) throws IOException {
        Map<String, String> tree = new TreeMap<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.toList()) {
                tree.put(folder.relativize(file).toString(),
                        Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis());
            }
        }
        return tree;
    }
}
