package dev.crashcap.it;

import static dev.crashcap.it.Inspect.functions;
import static dev.crashcap.it.Inspect.objects;
import static dev.crashcap.it.Inspect.thread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.TruthModules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every native frame in the module it really is in: bundles of a real JVM ({@link TruthModules}) compared with the
 * process's own memory map, /proc/PID/maps, read around each dump and just before the crash.
 */
class ModuleTruthIT {
    static final Path TRUTH_LIBRARY = TestJvm.TESTLIB.resolveSibling("libtruthmodules.so");

    @TempDir
    Path work;

    /**
     * A dump loads libmanagement into the JVM (the locks come from ThreadMXBean), and here a library is loaded
     * between the dumps: the module table of each later capture differs from the one before. Nothing named in one
     * capture may be carried into the next one.
     */
    @Test
    void framesNameTheirModulesAfterDumpsAndLibraryLoads() throws Exception {
        Path bundles = work.resolve("bundles");
        try (RunningJvm jvm = start(bundles)) {
            Path first = dump(jvm);
            Map<String, Object> firstJson = Inspect.json(work, first);
            assertFramesInTheirModules(firstJson, Maps.of(jvm.pid()), "first dump");
            assertSleeperInLibcrashcaptest(firstJson);

            jvm.send("load " + TRUTH_LIBRARY);
            jvm.awaitOutput("loaded");
            Path second = dump(jvm);
            Map<String, Object> secondJson = Inspect.json(work, second);
            assertFramesInTheirModules(secondJson, Maps.of(jvm.pid()), "second dump");
            assertSleeperInLibcrashcaptest(secondJson);

            Maps beforeCrash = Maps.of(jvm.pid());
            jvm.send("crash");
            jvm.awaitExit();
            assertSameEndWithoutAgent(jvm, "load " + TRUTH_LIBRARY, "crash");
            Map<String, Object> crash = Inspect.json(work, bundle(bundles, "crash-"));
            assertFramesInTheirModules(crash, beforeCrash, "crash");
            assertSleeperInLibcrashcaptest(crash);
            Map<String, Object> top = objects(crash, "crashingThread.frames").get(0);
            assertEquals("truth_write_null", top.get("function"));
            assertEquals("libtruthmodules.so", top.get("module"));
            assertEquals("libtruthmodules.so", JsonReader.get(crash, "diagnosis.suspectModule"));
            assertOwnFramesNamed(crash);
        }
    }

    /**
     * crashcap's own thread, asleep in libcrashcap: its frames there are named after the crash from the library
     * file, which stays on disk (its functions are hidden: .dynsym does not name them, .symtab does).
     */
    private static void assertOwnFramesNamed(Map<String, Object> json) {
        List<Map<String, Object>> own = objects(thread(json, "crashcap-sweep"), "frames").stream()
                .filter(frame -> isLibcrashcap(String.valueOf(frame.get("module")))).toList();
        assertTrue(!own.isEmpty(), "no libcrashcap frame in " + thread(json, "crashcap-sweep"));
        for (Map<String, Object> frame : own) {
            assertNotNull(frame.get("function"), frame.toString());
        }
    }

    /**
     * {@code truth_tail_caller} ends with a call to a function that never returns: the return address is the first
     * byte of the next function. The caller's frame is named after the caller (from .symtab, after the crash), and
     * the bundle says which pc is exact.
     */
    @Test
    void aCallThatEndsItsFunctionIsNamedAfterItsCaller() throws Exception {
        Path bundles = work.resolve("bundles");
        try (RunningJvm jvm = start(bundles)) {
            jvm.send("load " + TRUTH_LIBRARY);
            jvm.awaitOutput("loaded");
            jvm.send("crash-end");
            jvm.awaitExit();
            assertSameEndWithoutAgent(jvm, "load " + TRUTH_LIBRARY, "crash-end");
        }
        Map<String, Object> crash = Inspect.json(work, bundle(bundles, "crash-"));
        List<Map<String, Object>> frames = objects(crash, "crashingThread.frames");
        assertEquals(List.of("truth_noreturn_crash", "truth_tail_caller",
                "Java_dev_crashcap_testapp_TruthModules_crashAtFunctionEnd"), functions(frames).subList(0, 3));
        assertEquals(List.of(true, false, false), frames.subList(0, 3).stream().map(f -> f.get("exact")).toList());
        for (Map<String, Object> frame : frames.subList(0, 3)) {
            assertEquals("libtruthmodules.so", frame.get("module"), frame.toString());
        }
        // Every other thread was stopped by a signal: its frame 0 is exact too.
        Map<String, Object> sleeper = objects(thread(crash, TruthModules.SLEEPER), "frames").get(0);
        assertEquals(true, sleeper.get("exact"), sleeper.toString());
    }

    /**
     * A JNI library extracted to a temporary file, loaded, and the file deleted (what JNA does): its module is
     * named by its path, not "… (deleted)", says it is deleted, and joins the record of who loaded it.
     */
    @Test
    void aLibraryDeletedAfterLoadingKeepsItsNameAndItsLoader() throws Exception {
        Path bundles = work.resolve("bundles");
        Maps beforeCrash;
        String copy;
        try (RunningJvm jvm = start(bundles)) {
            jvm.send("load-deleted " + TRUTH_LIBRARY);
            jvm.awaitOutput("loaded /");
            copy = jvm.stdout().lines().filter(line -> line.startsWith("loaded /")).findFirst().orElseThrow()
                    .substring("loaded ".length());
            beforeCrash = Maps.of(jvm.pid());
            assertTrue(beforeCrash.withPath(copy).stream().allMatch(m -> m.path().equals(copy + " (deleted)")),
                    "the kernel says the copy is deleted: " + beforeCrash.withPath(copy));
            jvm.send("crash");
            jvm.awaitExit();
            assertSameEndWithoutAgent(jvm, "load-deleted " + TRUTH_LIBRARY, "crash");
        }
        String name = Path.of(copy).getFileName().toString();
        Map<String, Object> crash = Inspect.json(work, bundle(bundles, "crash-"));
        assertFramesInTheirModules(crash, beforeCrash, "crash");
        Map<String, Object> top = objects(crash, "crashingThread.frames").get(0);
        assertEquals("truth_write_null", top.get("function"));
        assertEquals(name, top.get("module"));
        assertEquals(copy, top.get("modulePath"));
        assertEquals(name, JsonReader.get(crash, "diagnosis.suspectModule"));
        assertEquals(copy, JsonReader.get(crash, "diagnosis.suspectModulePath"));
        Map<String, Object> module = objects(crash, "modules").stream().filter(m -> copy.equals(m.get("path")))
                .findFirst().orElseThrow(() -> new AssertionError("no module " + copy + " in " + crash.get("modules")));
        assertEquals(name, module.get("name"));
        assertEquals(true, module.get("deleted"));
        assertEquals(TruthModules.class.getName(), JsonReader.get(module, "loadedBy.class"),
                "joined with the record of the load");
        Map<String, Object> libc = objects(crash, "modules").stream()
                .filter(m -> String.valueOf(m.get("name")).startsWith("libc.so")).findFirst().orElseThrow();
        assertEquals(false, libc.get("deleted"));
    }

    /**
     * The agent's library stays on disk while the JVM runs: /proc/PID/maps names it without " (deleted)", in the
     * user's cache folder ($XDG_CACHE_HOME/crashcap here), and gdb, which reads a library's .eh_frame and .symtab
     * from its file, walks and names the frames of crashcap's own threads in it. Skipped where gdb is absent.
     */
    @Test
    void gdbReadsTheAgentsLibraryOfAnArmedJvm() throws Exception {
        assumeTrue(gdbPresent(), "gdb is not installed");
        Path cache = work.resolve("cache");
        List<String> command = TestJvm.command(List.of(), List.of("-javaagent:" + TestJvm.JAR + "=dir="
                + work.resolve("bundles")), TruthModules.class.getName());
        try (RunningJvm jvm = RunningJvm.start(work, command, Map.of("XDG_CACHE_HOME", cache.toString()))
                .awaitOutput(TruthModules.READY)) {
            List<Maps.Mapping> mapped = Maps.of(jvm.pid()).mappings().stream()
                    .filter(m -> isLibcrashcap(Path.of(Maps.withoutDeleted(m.path())).getFileName().toString()))
                    .toList();
            assertTrue(!mapped.isEmpty(), "libcrashcap is mapped");
            String library = mapped.get(0).path();
            for (Maps.Mapping mapping : mapped) {
                assertEquals(library, mapping.path(), "one file, not deleted: " + mapped);
            }
            assertTrue(library.startsWith(cache.resolve("crashcap") + "/libcrashcap-"), library);
            assertTrue(Files.isRegularFile(Path.of(library)), library);

            Process gdb = new ProcessBuilder("gdb", "-batch", "-nx", "-p", Long.toString(jvm.pid()),
                    "-ex", "thread apply all bt").redirectErrorStream(true).start();
            String out = new String(gdb.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(gdb.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "gdb finished");
            List<String> frames = out.lines().filter(line -> line.matches("#\\d+ .*") && line.contains(library))
                    .toList();
            assertTrue(!frames.isEmpty(), "gdb shows frames in " + library + ":\n" + out);
            for (String frame : frames) {
                assertTrue(!frame.contains(" ?? "), "gdb names each frame in libcrashcap: " + frame + "\n" + out);
            }
            jvm.send("ping");
            jvm.awaitOutput("pong");
        }
    }

    private static boolean gdbPresent() {
        try {
            return new ProcessBuilder("gdb", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** crashcap's own library, as the jar unpacks it ({@code libcrashcap-<sha256>.so}) or as distributed. */
    static boolean isLibcrashcap(String moduleName) {
        return moduleName.equals("libcrashcap.so") || moduleName.startsWith("libcrashcap-");
    }

    /**
     * The crash {@code jvm} died of ends as without crashcap: the same {@code commands} sent to a JVM without the
     * agent end with the same exit status, and an hs_err file written in one case if and only if in the other.
     */
    private void assertSameEndWithoutAgent(RunningJvm jvm, String... commands) throws IOException, InterruptedException {
        TestJvm.Result with = new TestJvm.Result(jvm.awaitExit(), jvm.pid(), jvm.stdout(), jvm.stderr());
        Path plainWork = work.resolve("without-agent");
        List<String> command = TestJvm.command(List.of(), List.of("-XX:ErrorFile=" + plainWork.resolve("hs_err_pid%p.log")),
                TruthModules.class.getName());
        try (RunningJvm plain = RunningJvm.start(plainWork, command, Map.of()).awaitOutput(TruthModules.READY)) {
            for (String line : commands) {
                plain.send(line);
            }
            TestJvm.Result without = new TestJvm.Result(plain.awaitExit(), plain.pid(), plain.stdout(), plain.stderr());
            TestJvm.assertSameEnd(without, with);
        }
    }

    private RunningJvm start(Path bundles) throws IOException, InterruptedException {
        List<String> command = TestJvm.command(List.of(), List.of("-javaagent:" + TestJvm.JAR + "=dir=" + bundles,
                "-XX:ErrorFile=" + work.resolve("hs_err_pid%p.log")), TruthModules.class.getName());
        return RunningJvm.start(work, command, Map.of()).awaitOutput(TruthModules.READY);
    }

    private Path dump(RunningJvm jvm) throws IOException, InterruptedException {
        TestJvm.Result dump = TestJvm.cli(work, "dump", Long.toString(jvm.pid()));
        assertEquals(0, dump.exitCode(), dump.toString());
        return Path.of(dump.stdout().strip());
    }

    private static Path bundle(Path bundles, String prefix) throws IOException {
        try (Stream<Path> entries = Files.list(bundles)) {
            List<Path> matching = entries.filter(path -> path.getFileName().toString().startsWith(prefix)).toList();
            assertEquals(1, matching.size(), "one " + prefix + " bundle: " + matching);
            return matching.get(0);
        }
    }

    /** The Java thread asleep in libcrashcaptest.so names its C functions, each in that library. */
    private static void assertSleeperInLibcrashcaptest(Map<String, Object> json) {
        List<Map<String, Object>> frames = objects(thread(json, TruthModules.SLEEPER), "frames");
        List<String> functions = functions(frames);
        int inner = functions.indexOf("crashcaptest_sleep_inner");
        assertTrue(inner >= 0, "no crashcaptest_sleep_inner in " + functions);
        assertEquals(List.of("crashcaptest_sleep_inner", "crashcaptest_sleep_outer",
                "Java_dev_crashcap_testapp_Crasher_sleepInNative"), functions.subList(inner, inner + 3));
        for (int i = inner; i < inner + 3; i++) {
            assertEquals("libcrashcaptest.so", frames.get(i).get("module"), frames.get(i).toString());
        }
    }

    /**
     * Each native frame of each thread names the module whose mapping holds its pc (for a return address, the byte
     * before it: the call), with the offset from that module's first mapping; a pc in no file names no module.
     * A file deleted while mapped counts under its path (the kernel's " (deleted)" is not part of it).
     */
    static void assertFramesInTheirModules(Map<String, Object> json, Maps maps, String what) {
        int checked = 0;
        List<String> wrong = new ArrayList<>();
        for (Map<String, Object> thread : objects(json, "threads")) {
            for (Map<String, Object> frame : objects(thread, "frames")) {
                if (!"native".equals(frame.get("kind"))) continue;
                long pc = Long.parseUnsignedLong(((String) frame.get("pc")).substring(2), 16);
                long lookup = Boolean.TRUE.equals(frame.get("exact")) ? pc : pc - 1;
                Maps.Mapping mapping = maps.at(lookup);
                String expectedPath = mapping == null ? null : mapping.modulePath();
                String path = (String) frame.get("modulePath");
                String actual = path == null ? null : Maps.withoutDeleted(path);
                checked++;
                if (!java.util.Objects.equals(expectedPath, actual)) {
                    wrong.add(thread.get("name") + " " + frame + ": the maps say " + expectedPath);
                    continue;
                }
                if (expectedPath != null) {
                    String offset = "0x" + Long.toHexString(pc - maps.base(expectedPath));
                    if (!offset.equals(frame.get("offset"))) {
                        wrong.add(thread.get("name") + " " + frame + ": the maps say offset " + offset);
                    }
                }
            }
        }
        assertTrue(checked > 50, what + ": only " + checked + " native frames");
        assertTrue(wrong.isEmpty(), what + ": " + wrong.size() + " of " + checked + " native frames are wrong: "
                + String.join("\n", wrong.subList(0, Math.min(10, wrong.size()))));
    }

    /** /proc/PID/maps as the kernel lists it. */
    record Maps(List<Mapping> mappings) {
        record Mapping(long start, long end, long offset, String path) {
            /** The module a pc here belongs to: a file's path, or the vDSO; null for anonymous memory. */
            String modulePath() {
                if (path.equals("[vdso]")) return path;
                return path.startsWith("/") ? withoutDeleted(path) : null;
            }
        }

        static Maps of(long pid) throws IOException {
            List<Mapping> mappings = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
                String[] fields = line.split(" +", 6);
                String[] range = fields[0].split("-");
                mappings.add(new Mapping(Long.parseUnsignedLong(range[0], 16), Long.parseUnsignedLong(range[1], 16),
                        Long.parseUnsignedLong(fields[2], 16), fields.length > 5 ? fields[5] : ""));
            }
            return new Maps(mappings);
        }

        static String withoutDeleted(String path) {
            return path.endsWith(" (deleted)") ? path.substring(0, path.length() - " (deleted)".length()) : path;
        }

        Mapping at(long address) {
            for (Mapping mapping : mappings) {
                if (Long.compareUnsigned(address, mapping.start) >= 0
                        && Long.compareUnsigned(address, mapping.end) < 0) {
                    return mapping;
                }
            }
            return null;
        }

        /** Where the module of that path starts: its mapping of file offset 0. */
        long base(String modulePath) {
            for (Mapping mapping : mappings) {
                if (modulePath.equals(mapping.modulePath()) && mapping.offset == 0) return mapping.start;
            }
            throw new AssertionError("no mapping of " + modulePath + " at offset 0");
        }

        /** Every line whose path contains {@code text}. */
        List<Mapping> withPath(String text) {
            return mappings.stream().filter(mapping -> mapping.path.contains(text)).toList();
        }
    }

}
