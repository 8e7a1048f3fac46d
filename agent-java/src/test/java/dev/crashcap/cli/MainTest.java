package dev.crashcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.bundle.Samples;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the CLI in-process through {@link Main#run}, which returns the exit code instead of exiting. */
class MainTest {
    @TempDir
    Path temp;
    Path folder;
    Path segv;
    Path abort;
    Path truncated;

    /** What one run printed, and its exit code. */
    record Result(int code, String out, String err) {
    }

    @BeforeEach
    void bundles() throws Exception {
        folder = Files.createDirectories(temp.resolve("crashcap"));
        segv = Samples.bundleDir(folder, "crash-20261124T104924Z-4242", Samples.bytes(Samples.SEGV));
        abort = Samples.bundleDir(folder, "crash-20261124T113321Z-5151", Samples.bytes(Samples.DOUBLE_FREE));
        truncated = Samples.bundleDir(folder, "crash-20261124T142004Z-6262", Samples.bytes(Samples.TRUNCATED));
    }

    /** Runs the CLI with neither crashcap system properties nor CRASHCAP_* variables, whatever this JVM has. */
    static Result run(String... args) {
        return run(new Properties(), Map.of(), args);
    }

    static Result run(Properties properties, Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err), properties, environment);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void inspectPrintsTheReport() {
        Result result = run("inspect", segv.toString());
        assertEquals(0, result.code(), result.err());
        assertEquals("", result.err());
        assertTrue(result.out().contains("A fatal error was captured by crashcap"));
        assertTrue(result.out().contains("problematic frame: libcrashcaptest.so+0x11a9  crashcaptest_write_null+0x9"),
                result.out());
        assertTrue(result.out().contains(
                "#0  0x00007f3a2c1011a9 in crashcaptest_write_null+0x9 (libcrashcaptest.so+0x11a9)"));
    }

    @Test
    void inspectAcceptsTheCaptureFile() {
        Result result = run("inspect", "--json", segv.resolve("capture.txt").toString());
        assertEquals(0, result.code(), result.err());
        assertEquals(segv.toAbsolutePath().normalize().toString(), JsonReader.object(result.out()).get("path"));
    }

    @Test
    void inspectJson() {
        Result result = run("inspect", "--json", abort.toString());
        assertEquals(0, result.code(), result.err());
        Map<String, Object> json = JsonReader.object(result.out());
        assertEquals(1L, json.get("schema"));
        assertEquals("SIGABRT", JsonReader.get(json, "signal.name"));
        assertEquals("heap-corruption", JsonReader.get(json, "diagnosis.kind"));
        assertEquals("libcrashcaptest.so", JsonReader.get(json, "diagnosis.suspectModule"));
        assertEquals(9, ((List<?>) JsonReader.get(json, "crashingThread.frames")).size());
    }

    @Test
    void inspectFindsTheHsErrCopyInTheBundle() throws Exception {
        Files.writeString(segv.resolve("hs_err.log"), "#\n");
        Result result = run("inspect", "--json", segv.toString());
        assertEquals(segv.resolve("hs_err.log").toAbsolutePath().toString(), JsonReader.object(result.out()).get("hsErr"));
        assertTrue(run("inspect", segv.toString()).out().contains(segv.resolve("hs_err.log").toString()));
    }

    @Test
    void aTruncatedBundleIsShownNotRefused() {
        Result human = run("inspect", truncated.toString());
        assertEquals(0, human.code(), human.err());
        assertTrue(human.out().contains("This capture was cut off"), human.out());
        Result json = run("inspect", "--json", truncated.toString());
        assertEquals(0, json.code());
        assertEquals(true, JsonReader.object(json.out()).get("truncated"));
    }

    @Test
    void listShowsNewestFirst() {
        Result result = run("list", folder.toString());
        assertEquals(0, result.code(), result.err());
        List<String> lines = result.out().lines().toList();
        assertEquals(4, lines.size(), result.out());
        assertTrue(lines.get(0).startsWith("TIME (UTC)"));
        assertTrue(lines.get(1).contains("6262") && lines.get(1).contains("(cut off)"), lines.get(1));
        assertTrue(lines.get(2).contains("heap-corruption") && lines.get(2).contains("SIGABRT"), lines.get(2));
        assertTrue(lines.get(3).startsWith("2026-11-24T10:49:24Z  4242  SIGSEGV  fault"), lines.get(3));
    }

    @Test
    void listJson() {
        Result result = run("list", "--json", folder.toString());
        assertEquals(0, result.code(), result.err());
        List<?> entries = (List<?>) JsonReader.read(result.out());
        assertEquals(3, entries.size());
        Map<?, ?> newest = (Map<?, ?>) entries.get(0);
        assertEquals(truncated.toAbsolutePath().normalize().toString(), newest.get("path"));
        assertEquals("crash", newest.get("kind"));
        assertEquals(6262L, newest.get("pid"));
        assertEquals("2026-11-24T14:20:04.500Z", newest.get("time"));
        assertEquals("SIGSEGV", newest.get("signal"));
        assertEquals("fault", newest.get("diagnosis"));
        assertEquals(true, newest.get("truncated"));
        assertEquals("SIGABRT", ((Map<?, ?>) entries.get(1)).get("signal"));
    }

    @Test
    void aCorruptBundleIsListedWithItsErrorAmongTheGoodOnes() throws Exception {
        Path bad = Samples.bundleDir(folder, "crash-20261124T150000Z-7777", "\u0000\u0001garbage\n".getBytes());
        Samples.bundleDir(folder, "crash-20261124T150001Z-7778", new byte[0]);
        Result result = run("list", "--json", folder.toString());
        assertEquals(0, result.code(), result.err());
        List<?> entries = (List<?>) JsonReader.read(result.out());
        assertEquals(5, entries.size());
        List<Map<?, ?>> errors = entries.stream().<Map<?, ?>>map(e -> (Map<?, ?>) e)
                .filter(e -> e.containsKey("error")).toList();
        assertEquals(2, errors.size());
        Map<?, ?> garbage = errors.stream().filter(e -> e.get("path").equals(bad.toAbsolutePath().normalize().toString()))
                .findFirst().orElseThrow();
        assertTrue(((String) garbage.get("error")).startsWith("not a crashcap bundle: "), garbage.toString());
        assertNull(garbage.get("signal"));
        Result human = run("list", folder.toString());
        assertEquals(0, human.code());
        assertEquals(6, human.out().lines().count(), human.out());
        assertTrue(human.out().contains("unreadable"));
    }

    @Test
    void listOfAnEmptyFolder() throws Exception {
        Path empty = Files.createDirectories(temp.resolve("empty"));
        assertEquals(new Result(0, "no bundles\n", ""), run("list", empty.toString()));
        assertEquals(new Result(0, "[]\n", ""), normalised(run("list", "--json", empty.toString())));
    }

    @Test
    void noSuchFileIsOneLineAndExitTwo() {
        Path missing = temp.resolve("missing");
        assertOneLineError(run("inspect", missing.toString()), "crashcap: no such file: " + missing);
    }

    @Test
    void notABundle() throws Exception {
        Path file = Files.writeString(temp.resolve("notes.txt"), "dear diary\n");
        assertOneLineError(run("inspect", file.toString()), "crashcap: not a crashcap bundle: " + file);
        assertOneLineError(run("inspect", folder.toString()), "crashcap list " + folder);
    }

    @Test
    void listErrors() throws Exception {
        assertOneLineError(run("list", temp.resolve("nope").toString()), "crashcap: no such directory: ");
        Path file = Files.writeString(temp.resolve("file"), "x");
        assertOneLineError(run("list", file.toString()), "crashcap: not a directory: " + file);
    }

    @Test
    void usageErrors() {
        assertOneLineError(run("inspect", "--bogus", segv.toString()), "crashcap: Unknown option: '--bogus'");
        assertOneLineError(run("inspect"), "crashcap: Missing required parameter");
        assertOneLineError(run("inspect", "a", "b"), "crashcap: ");
        assertOneLineError(run("frobnicate"), "crashcap: ");
        assertOneLineError(run(), "crashcap: missing command");
    }

    @Test
    void versionAndHelp() {
        Result version = run("--version");
        assertEquals(new Result(0, "crashcap dev\n", ""), normalised(version), "no manifest when run from classes");
        Result help = run("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("inspect") && help.out().contains("list"), help.out());
        assertEquals(0, run("inspect", "--help").code());
    }

    /** Each command's help lists exactly the exit codes it can return, with the meanings of the one table. */
    @Test
    void helpListsTheExitCodesOfEachCommand() {
        Map<String, Set<Integer>> expected = Map.of(
                "attach", Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 13),
                "dump", Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13),
                "status", Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 14),
                "upload", Set.of(0, 1, 2, 11, 12, 13),
                "inspect", Set.of(0, 1, 2, 13),
                "list", Set.of(0, 1, 2),
                "finish", Set.of(0, 1, 2, 11));
        expected.forEach((command, codes) -> {
            Result help = run(command, "--help");
            assertEquals(0, help.code(), help.err());
            assertEquals(codes, listedExitCodes(help.out()), command + ": " + help.out());
            assertTrue(help.out().contains("   3   no such process") == codes.contains(3), help.out());
        });
        Result top = run("--help");
        assertEquals(IntStream.rangeClosed(0, 14).boxed().collect(Collectors.toSet()), listedExitCodes(top.out()));
        assertTrue(top.out().contains("  11   some bundles are still pending: run it again later (upload, finish)"),
                top.out());
        assertTrue(run("attach", "--help").out().contains("-XX:+EnableDynamicAgentLoading"));
    }

    private static Set<Integer> listedExitCodes(String help) {
        String list = help.substring(help.indexOf("Exit codes:"));
        Matcher code = Pattern.compile("(?m)^ +([0-9]+)   ").matcher(list);
        Set<Integer> codes = new HashSet<>();
        while (code.find()) {
            assertTrue(codes.add(Integer.parseInt(code.group(1))), "listed twice: " + code.group(1));
        }
        return codes;
    }

    @Test
    void helpCommand() {
        assertEquals(run("inspect", "--help"), run("help", "inspect"));
        assertEquals(run("--help"), run("help"));
        Result upload = run("help", "upload");
        assertEquals(0, upload.code());
        assertTrue(upload.out().startsWith("Usage: crashcap upload "), upload.out());
        assertOneLineError(run("help", "frobnicate"), "crashcap: Unknown subcommand 'frobnicate'");
    }

    @Test
    void versionOnEveryCommand() {
        for (String command : List.of("attach", "dump", "inspect", "list", "upload", "generate-completion")) {
            for (String option : List.of("--version", "-V")) {
                assertEquals(new Result(0, "crashcap dev\n", ""), normalised(run(command, option)), command + " " + option);
            }
        }
    }

    @Test
    void generateCompletionPrintsABashScript() {
        Result script = run("generate-completion");
        assertEquals(0, script.code(), script.err());
        assertEquals("", script.err());
        assertTrue(script.out().contains("complete -F _complete_crashcap"), script.out());
        for (String command : List.of("attach", "dump", "inspect", "list", "upload", "help")) {
            assertTrue(script.out().contains(command), command);
        }
        assertTrue(script.out().contains("--max-bundles") && script.out().contains("--json"), script.out());
    }

    /** Without a folder, list looks where the agent writes: -Dcrashcap.dir, else CRASHCAP_DIR, else ./crashcap. */
    @Test
    void listTakesItsFolderFromTheAgentsConfiguration() throws Exception {
        Path empty = Files.createDirectories(temp.resolve("empty"));
        Result fromEnvironment = run(new Properties(), Map.of("CRASHCAP_DIR", folder.toString()), "list", "--json");
        assertEquals(3, ((List<?>) JsonReader.read(fromEnvironment.out())).size(), fromEnvironment.toString());

        Properties properties = new Properties();
        properties.setProperty("crashcap.dir", empty.toString());
        Result fromProperty = run(properties, Map.of("CRASHCAP_DIR", folder.toString()), "list");
        assertEquals(new Result(0, "no bundles\n", ""), normalised(fromProperty), "the property before the environment");

        Result given = run(properties, Map.of("CRASHCAP_DIR", empty.toString()), "list", "--json", folder.toString());
        assertEquals(3, ((List<?>) JsonReader.read(given.out())).size(), "the command line before both");

        String help = run(new Properties(), Map.of("CRASHCAP_DIR", folder.toString()), "list", "--help").out();
        assertTrue(help.replaceAll("\\s+", " ").contains("(default: " + folder + ", from "), help);
    }

    /** picocli expands ${…} in default values; a folder from the configuration is taken as written. */
    @Test
    void aConfiguredFolderIsTakenLiterally() throws Exception {
        Path odd = Files.createDirectories(temp.resolve("a${user.home}"));
        Result result = run(new Properties(), Map.of("CRASHCAP_DIR", odd.toString()), "list");
        assertEquals(new Result(0, "no bundles\n", ""), normalised(result));
    }

    @Test
    void attachBadInput() {
        assertOneLineError(run("attach"), "crashcap: Missing required parameter");
        assertOneLineError(run("attach", "12x"), "crashcap: Invalid value");
        assertOneLineError(run("attach", "--timeout", "0", "1"), "crashcap: --timeout must be");
        // Run from classes, not from crashcap.jar: there is no agent jar to load.
        assertOneLineError(run("attach", "1"), "crashcap: attach and dump work only from crashcap.jar");
    }

    /** The fast path leaves anything but a plain dump to picocli, which explains in one line. */
    @Test
    void dumpBadInput() {
        assertOneLineError(run("dump"), "crashcap: Missing required parameter");
        assertOneLineError(run("dump", "12x"), "crashcap: Invalid value");
        assertOneLineError(run("dump", "1", "--out"), "crashcap: Missing required parameter for option '--out'");
        assertOneLineError(run("dump", "1", "--bogus"), "crashcap: Unknown option");
        assertOneLineError(run("dump", "--timeout", "0", "1"), "crashcap: --timeout must be");
        assertOneLineError(run("dump", "1", "--timeout=x"), "crashcap: Invalid value");
        assertOneLineError(run("dump", "1", "--out", "/tmp/x"), "crashcap: attach and dump work only from crashcap.jar");
    }

    private static Result normalised(Result result) {
        return new Result(result.code(), result.out().replace(System.lineSeparator(), "\n"), result.err());
    }

    private static void assertOneLineError(Result result, String expectedStart) {
        assertEquals(2, result.code(), result.toString());
        assertEquals("", result.out());
        String err = result.err();
        assertTrue(err.startsWith("crashcap: "), err);
        assertTrue(err.contains(expectedStart), err);
        assertEquals(1, err.lines().count(), "exactly one line: " + err);
        assertTrue(err.endsWith("\n"));
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
    }
}
