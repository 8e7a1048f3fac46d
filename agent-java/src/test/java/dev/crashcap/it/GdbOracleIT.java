package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.OracleShapes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * gdb as the oracle for native frames (issue 9). A JVM holds threads still in a dozen stack shapes
 * ({@link OracleShapes}: asleep in native code 1, 4 and 12 frames deep, parked, waiting, sleeping and blocked Java
 * threads, a native pthread asleep and one in pthread_cond_wait, nested JNI calls Java → JNI A → CallStaticVoidMethod
 * → Java B → JNI C asleep, a thread in read(), besides the JVM's own threads). It takes {@code crashcap dump}, and
 * {@code gdb -p PID -batch -ex 'thread apply all bt'} of the same process just before and just after; for every thread
 * that stood still in between (same gdb stack before and after), matched by LWP tid, the native frames crashcap shows
 * must be gdb's: the same frame 0 (or the system-call instruction just before gdb's, see {@link #sameStop}),
 * then every other crashcap frame at a pc gdb has too, in gdb's order, in the module
 * that maps that pc. gdb may have more frames (inlined functions from debug info: several frames at one pc); crashcap
 * must have none that gdb does not. Only the native frames crashcap has are compared: its native walk stops at the
 * first Java frame (issue 10), where gdb goes on through the Java frames without knowing them.
 * <p>
 * This is done after the first, second and third dump of the same JVM, with a library loaded before the second and
 * the third; once in a JVM started with {@code -javaagent}, once in one the first dump arms. The bundle is also read
 * through {@link Inspect#json}, so {@link BundleInvariants} hold for it (maps, symbols). Skipped where gdb is absent.
 */
class GdbOracleIT {
    private static final Pattern THREAD = Pattern.compile("^Thread \\d+ \\(.*\\(LWP (\\d+)\\)(?: \"(.*)\")?\\):$");
    private static final Pattern FRAME = Pattern.compile("^#(\\d+)\\s+(0x[0-9a-f]+) in (\\S+).*?(?: from (\\S+))?$");
    private static final int DUMPS = 3;

    @TempDir
    Path work;

    @BeforeAll
    static void gdbIsThere() {
        boolean gdb;
        try {
            Process version = new ProcessBuilder("gdb", "--version").redirectErrorStream(true).start();
            version.getInputStream().readAllBytes();
            gdb = version.waitFor(30, TimeUnit.SECONDS) && version.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            gdb = false;
        }
        assumeTrue(gdb, "gdb is not installed: the gdb oracle cannot run here");
    }

    /** One frame as gdb shows it: its pc, its function ({@code ??} when none), the file gdb names, if any. */
    record GdbFrame(long pc, String function, String from) {}

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"javaagent", "armed-by-dump"})
    void everyNativeFrameCrashcapShowsIsGdbsInOrderAfterOneTwoAndThreeDumps(String arming) throws Exception {
        Path dumps = work.resolve("dumps");
        List<String> options = new ArrayList<>(AttachIT.quiet());
        if (arming.equals("javaagent")) {
            options.add("-javaagent:" + TestJvm.JAR + "=dir=" + dumps);
        }
        try (RunningJvm jvm = RunningJvm.start(work.resolve("target"), TestJvm.command(List.of(), options,
                OracleShapes.class.getName(), "shapes"), Map.of()).awaitOutput(OracleShapes.READY)) {
            List<String> failures = new ArrayList<>();
            for (int dump = 1; dump <= DUMPS; dump++) {
                if (dump > 1) { // a library loaded between dumps: the module table changes
                    Path copy = Files.createDirectories(work.resolve("extra")).resolve("liboracle" + dump + ".so");
                    Files.copy(TestJvm.TESTLIB.resolveSibling("liboracleshapes.so"), copy);
                    jvm.send("load " + copy);
                    awaitLines(jvm, "loaded", dump - 1);
                }
                Map<Long, List<GdbFrame>> before = gdb(jvm.pid());
                TestJvm.Result result = TestJvm.cli(work, "dump", Long.toString(jvm.pid()), "--out", dumps.toString());
                assertEquals(0, result.exitCode(), result.toString());
                Map<Long, List<GdbFrame>> after = gdb(jvm.pid());
                ProcessMaps maps = ProcessMaps.ofProcess(jvm.pid());
                String which = "dump " + dump + " (" + arming + ")";
                try { // every round is compared, so that a failure says which dumps differ
                    Inspect.json(work, Path.of(result.stdout().strip()), json -> compare(which, json, before, after, maps));
                } catch (AssertionError e) {
                    failures.add(e.getMessage());
                }
            }
            assertTrue(jvm.process.isAlive(), "the target survived three dumps and six gdb attaches: " + jvm.stderr());
            if (!failures.isEmpty()) {
                fail(String.join("\n", failures));
            }
        }
    }

    private static void compare(String which, Map<String, Object> json, Map<Long, List<GdbFrame>> before,
                                Map<Long, List<GdbFrame>> after, ProcessMaps maps) {
        List<String> problems = new ArrayList<>();
        List<String> compared = new ArrayList<>();
        List<String> moved = new ArrayList<>();
        for (Map<String, Object> thread : Inspect.objects(json, "threads")) {
            Long tid = (Long) thread.get("tid");
            String name = tid + " \"" + thread.get("name") + "\"";
            List<GdbFrame> gdb = after.get(tid);
            if (gdb == null || before.get(tid) == null) {
                continue; // started or ended around the dump
            }
            if (!pcs(gdb).equals(pcs(before.get(tid)))) {
                moved.add(name);
                continue; // not still: the two gdb stacks differ, so neither need be crashcap's
            }
            List<Map<String, Object>> frames = new ArrayList<>();
            for (Map<String, Object> frame : Inspect.objects(thread, "frames")) {
                if (!"native".equals(frame.get("kind"))) {
                    break; // the native walk ends at the first Java frame (issue 10)
                }
                frames.add(frame);
            }
            long pid = (Long) JsonReader.get(json, "process.pid");
            boolean shape = shapes().contains(String.valueOf(thread.get("name")));
            if (!shape && !frames.isEmpty() && !gdb.isEmpty() && !sameStop(pid, pc(frames.get(0)), gdb.get(0).pc())) {
                // Frame 0 is copied from the signal's context, the kernel's own record of where the thread was: a
                // JVM thread that was elsewhere then was woken by the dump itself (compiler threads, VM operations)
                // and went back to the same wait before gdb looked. The shape threads cannot move: for them this
                // is a failure, below.
                moved.add(name + " (at " + frames.get(0).get("pc") + " during the dump)");
                continue;
            }
            if (!shape && timedWait(gdb)) {
                // A JVM thread in a timed wait wakes on its timer between the two gdb looks (the Monitor Deflation
                // thread every 250 ms) and may have been in another wait of the same futex during the dump (seen on
                // JDK 25: deflating, waiting in VMThread::execute). The shape threads' timeouts are the test's own
                // and never run out while it looks.
                moved.add(name + " (a timed wait)");
                continue;
            }
            compared.add(String.valueOf(thread.get("name")));
            String problem = compareThread(pid, frames, gdb, maps);
            if (problem != null) {
                problems.add("thread " + name + ": " + problem + "\n      crashcap " + describe(frames)
                        + "\n      gdb      " + gdb.stream().map(f -> hex(f.pc()) + " " + f.function()).toList());
            }
        }
        for (String shape : shapes()) {
            if (!compared.contains(shape)) {
                problems.add("the shape thread \"" + shape + "\" was not compared (moved: " + moved + ")");
            }
        }
        if (!problems.isEmpty()) {
            fail(which + ": crashcap's native frames differ from gdb's in " + problems.size() + " of " + compared.size()
                    + " still threads (bundle " + json.get("path") + "; not still: " + moved + "):\n  "
                    + String.join("\n  ", problems));
        }
    }

    /** gdb's stack is a wait with a timeout (a timed condition wait or a sleep): it may end at any moment. */
    private static boolean timedWait(List<GdbFrame> gdb) {
        return gdb.stream().map(GdbFrame::function)
                .anyMatch(function -> function != null && (function.contains("timedwait") || function.contains("nanosleep")));
    }

    /** Null if crashcap's frames are gdb's, else what differs first. */
    private static String compareThread(long pid, List<Map<String, Object>> frames, List<GdbFrame> gdb, ProcessMaps maps) {
        if (frames.isEmpty()) {
            return "crashcap has no native frame";
        }
        if (gdb.isEmpty() || !sameStop(pid, pc(frames.get(0)), gdb.get(0).pc())) {
            return "frame 0 is " + frames.get(0).get("pc") + ", gdb's is " + (gdb.isEmpty() ? "none" : hex(gdb.get(0).pc()));
        }
        int next = 0;
        for (int i = 0; i < frames.size(); i++) {
            long pc = pc(frames.get(i));
            int found = i == 0 ? 0 : -1; // frame 0 was compared above
            for (int j = next; found < 0 && j < gdb.size(); j++) {
                if (gdb.get(j).pc() == pc) {
                    found = j;
                    break;
                }
            }
            if (found < 0) {
                return "crashcap's frame #" + i + " " + hex(pc) + " (" + frames.get(i).get("function") + " in "
                        + frames.get(i).get("module") + ") is not among gdb's frames after #" + (next - 1);
            }
            String mapped = mappedPath(maps, pc);
            if (!Objects.equals(mapped, frames.get(i).get("modulePath"))) {
                return "crashcap's frame #" + i + " " + hex(pc) + " is in module " + frames.get(i).get("modulePath")
                        + ", the process maps " + mapped + " there";
            }
            String from = gdb.get(found).from(); // the loader's name for the file (bin/../lib/libjli.so): compared as a file
            if (from != null && !sameFile(from, (String) frames.get(i).get("modulePath"))) {
                return "crashcap's frame #" + i + " " + hex(pc) + " is in module " + frames.get(i).get("modulePath")
                        + ", gdb says " + from;
            }
            next = found + 1;
        }
        return null;
    }

    /**
     * Frame 0 is where the thread stopped. A thread blocked in a system call that a signal interrupts is sent back by
     * the kernel to the system-call instruction, to restart the call when the handler returns: crashcap's pc (from
     * the signal's context) is then that instruction, while gdb (ptrace, the thread still in the kernel) shows the pc
     * just after it. Both name the same stop: accepted when the bytes at crashcap's pc are that instruction
     * ({@code syscall} on x86_64, {@code svc #0} on aarch64) and gdb's pc is just past it.
     */
    private static boolean sameStop(long pid, long crashcapPc, long gdbPc) {
        if (crashcapPc == gdbPc) {
            return true;
        }
        byte[] x86Syscall = {0x0f, 0x05};
        byte[] armSvc = {0x01, 0x00, 0x00, (byte) 0xd4};
        byte[] instruction = x86Syscall;
        if ("aarch64".equals(System.getProperty("os.arch"))) {
            instruction = armSvc;
        }
        if (gdbPc - crashcapPc != instruction.length) {
            return false;
        }
        try (java.io.RandomAccessFile memory = new java.io.RandomAccessFile("/proc/" + pid + "/mem", "r")) {
            byte[] bytes = new byte[instruction.length];
            memory.seek(crashcapPc);
            memory.readFully(bytes);
            return java.util.Arrays.equals(bytes, instruction);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean sameFile(String a, String b) {
        try {
            return b != null && Files.isSameFile(Path.of(a), Path.of(b));
        } catch (IOException e) {
            return false;
        }
    }

    /** The file mapped at {@code pc} if it is one crashcap would call a module (a path), else null. */
    private static String mappedPath(ProcessMaps maps, long pc) {
        ProcessMaps.Mapping mapping = maps.at(pc);
        if (mapping == null || mapping.path().isEmpty() || (mapping.path().startsWith("[") && !mapping.path().equals("[vdso]"))) {
            return null;
        }
        return mapping.path();
    }

    private static void awaitLines(RunningJvm jvm, String line, long count) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (jvm.stdout().lines().filter(line::equals).count() < count) {
            assertTrue(jvm.process.isAlive() && System.nanoTime() < end, "no '" + line + "': " + jvm.stdout() + jvm.stderr());
            Thread.sleep(10);
        }
    }

    private static List<String> shapes() {
        List<String> shapes = new ArrayList<>(OracleShapes.JAVA_THREADS);
        shapes.addAll(OracleShapes.NATIVE_THREADS);
        return shapes;
    }

    /** {@code gdb -p pid -batch -ex 'thread apply all bt'}: every thread's frames by LWP tid. */
    static Map<Long, List<GdbFrame>> gdb(long pid) throws IOException, InterruptedException {
        Process gdb = new ProcessBuilder("gdb", "-p", Long.toString(pid), "-batch", "-nx",
                "-ex", "set pagination off", "-ex", "set print frame-info location-and-address",
                "-ex", "set print demangle off", "-ex", "set print frame-arguments none",
                // gdb stops at main by default; the walk goes on to the entry point, as crashcap's does
                "-ex", "set backtrace past-main on", "-ex", "set backtrace past-entry on",
                "-ex", "thread apply all bt").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(gdb.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!gdb.waitFor(120, TimeUnit.SECONDS)) {
            gdb.destroyForcibly();
            fail("gdb did not finish within 120 s");
        }
        Map<Long, List<GdbFrame>> threads = new LinkedHashMap<>();
        List<GdbFrame> current = null;
        for (String line : out.lines().toList()) {
            Matcher thread = THREAD.matcher(line);
            Matcher frame = FRAME.matcher(line);
            if (thread.matches()) {
                current = new ArrayList<>();
                threads.put(Long.valueOf(thread.group(1)), current);
            } else if (current != null && frame.matches()) {
                current.add(new GdbFrame(unsignedHex(frame.group(2)), frame.group(3), frame.group(4)));
            }
        }
        assertTrue(threads.size() > 10, "gdb saw the JVM's threads: " + out.lines().limit(20).toList());
        return threads;
    }

    private static List<Long> pcs(List<GdbFrame> frames) {
        return frames.stream().map(GdbFrame::pc).collect(Collectors.toList());
    }

    private static long pc(Map<String, Object> frame) {
        return unsignedHex((String) frame.get("pc"));
    }

    private static List<String> describe(List<Map<String, Object>> frames) {
        return frames.stream().map(f -> f.get("pc") + " " + f.get("function") + " (" + f.get("module") + ")").toList();
    }

    /** "0x…" as an unsigned 64-bit value (a garbage frame may be above Long.MAX_VALUE). */
    static long unsignedHex(String hex) {
        return Long.parseUnsignedLong(hex.startsWith("0x") ? hex.substring(2) : hex, 16);
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
