package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a user runs it, {@code java -jar crashcap.jar}: picocli relocated inside the jar still gives help,
 * {@code --version} from the manifest on every command, and a completion script that bash really completes with;
 * the fast path of {@code dump} runs without loading picocli at all.
 */
class CliIT {
    @TempDir
    Path work;

    @Test
    void versionFromTheManifestOnEveryCommand() throws Exception {
        TestJvm.Result top = TestJvm.cli(work, "--version");
        assertEquals(0, top.exitCode(), top.stderr());
        assertTrue(top.stdout().matches("crashcap [0-9]+\\.[0-9]+\\S*\n"), top.stdout());
        for (String command : List.of("attach", "dump", "inspect", "list", "finish", "upload", "generate-completion")) {
            TestJvm.Result version = TestJvm.cli(work, command, "--version");
            assertEquals(top.stdout(), version.stdout(), command + ": " + version.stderr());
            assertEquals(0, version.exitCode());
        }
    }

    @Test
    void helpCommandListsTheExitCodes() throws Exception {
        TestJvm.Result help = TestJvm.cli(work, "help", "dump");
        assertEquals(0, help.exitCode(), help.stderr());
        assertTrue(help.stdout().startsWith("Usage: crashcap dump "), help.stdout());
        assertTrue(help.stdout().contains("Exit codes:") && help.stdout().contains("  10   the snapshot could not"),
                help.stdout());
        AttachIT.assertOneLine(TestJvm.cli(work, "help", "nope"), 2, "crashcap: Unknown subcommand 'nope'");
    }

    /** The script README.md tells people to source: loaded into a real bash, it completes commands and options. */
    @Test
    void bashCompletesWithTheGeneratedScript() throws Exception {
        TestJvm.Result script = TestJvm.cli(work, "generate-completion");
        assertEquals(0, script.exitCode(), script.stderr());
        Path file = Files.writeString(work.resolve("crashcap-completion.bash"), script.stdout());
        assertEquals(List.of("inspect"), complete(file, "crashcap", "ins"));
        assertEquals(List.of("--max-bundles", "--max-mb"), complete(file, "crashcap", "upload", "--max-"));
        assertEquals(List.of("--json"), complete(file, "crashcap", "list", "--j"));
    }

    /** What bash offers for the last word, by calling the script's completion function as bash would. */
    private List<String> complete(Path script, String... words) throws Exception {
        String line = String.join(" ", words);
        String program = "source \"$1\" 2>/dev/null; COMP_WORDS=(" + line + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; _complete_crashcap 2>/dev/null; "
                + "printf '%s\\n' \"${COMPREPLY[@]}\"";
        TestJvm.Result bash = TestJvm.run(work, List.of("bash", "-c", program, "bash", script.toString()), Map.of());
        assertEquals(0, bash.exitCode(), bash.stderr());
        return bash.stdout().lines().filter(word -> !word.isEmpty()).sorted().toList();
    }

    /**
     * {@code dump <pid>} is read without picocli (DumpFastPath: a dump is often taken of a JVM in trouble, by a
     * script), and its failures have the same exit codes; help goes through picocli, which this test also sees load.
     */
    @Test
    void theFastPathOfDumpLoadsNoPicocli() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path fast = work.resolve("fast-classes.log");
        TestJvm.Result dump = TestJvm.cli(work, List.of(), List.of("-Xlog:class+load=info:file=" + fast),
                "dump", Long.toString(gone.pid()));
        AttachIT.assertOneLine(dump, 3, "crashcap: no such process");
        String loaded = Files.readString(fast);
        assertTrue(loaded.contains("dev.crashcap.cli.DumpFastPath"), "the log lists crashcap's classes");
        assertFalse(loaded.contains("picocli"), "picocli loaded on the fast path");

        Path slow = work.resolve("help-classes.log");
        TestJvm.Result help = TestJvm.cli(work, List.of(), List.of("-Xlog:class+load=info:file=" + slow), "dump", "--help");
        assertEquals(0, help.exitCode(), help.stderr());
        assertTrue(Files.readString(slow).contains("dev.crashcap.shaded.picocli.CommandLine"), "relocated picocli");
    }
}
