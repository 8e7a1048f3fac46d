package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crashcap.minidump.MinidumpReader;
import dev.crashcap.testapp.Crasher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real JVM dies by SIGSEGV in libcrashcaptest.so; {@code crashcap export --minidump} writes its bundle as a minidump,
 * which the tests' own reader ({@link MinidumpReader}, from Breakpad's headers) checks structure by structure against
 * the bundle, and which lldb opens: its backtrace of the crashing thread starts with the very frames crashcap shows
 * (skipped where lldb is not installed).
 */
class MinidumpIT {
    private static final Pattern LLDB_FRAME = Pattern.compile("^\\s*\\*?\\s*frame #(\\d+): (0x[0-9a-f]+)");
    private static final String SECRET = "hunter2-do-not-ship";

    @TempDir
    Path work;

    @Test
    void theMinidumpOfARealCrashHoldsTheBundlesThreadsModulesAndCrash() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.Result jvm = TestJvm.crashWithAgent(work, bundles, List.of(), Map.of("APP_DB_PASSWORD", SECRET),
                Crasher.class.getName(), "segv");
        assertNotEquals(0, jvm.exitCode(), jvm.stderr());
        Path bundle = Inspect.onlyBundle(bundles);
        assertTrue(Files.isRegularFile(bundle.resolve("stacks.bin")), "the handler wrote stacks.bin");
        Map<String, Object> json = Inspect.json(work, bundle);
        Path dump = work.resolve("crash.dmp");
        TestJvm.Result export = TestJvm.cli(work, "export", "--minidump", bundle.toString(), "-o", dump.toString());
        assertEquals(0, export.exitCode(), export.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dump)));
        MinidumpReader minidump = new MinidumpReader(Files.readAllBytes(dump));

        // the header and the stream directory
        assertEquals(0x504d444dL, minidump.signature);
        assertEquals(0xa793, minidump.version & 0xffff);
        assertEquals(((Number) Inspect.object(json, "signal").get("tid")).longValue(), minidump.exception.tid());
        for (long type : List.of(3L, 4L, 5L, 6L, 7L, 0x47670004L, 0x47670006L, 0x47670007L, 0x47670008L, 0x47670009L)) {
            assertTrue(minidump.streams.containsKey(type), "stream " + Long.toHexString(type) + " in " + minidump.streams.keySet());
        }

        // threads: as many as the bundle, same tids; every answering thread with registers and stack memory at rsp
        List<Map<String, Object>> threads = Inspect.objects(json, "threads");
        assertEquals(threads.size(), minidump.threads.size());
        Map<Long, MinidumpReader.Thread> byTid = new HashMap<>();
        minidump.threads.forEach(thread -> byTid.put(thread.tid(), thread));
        int withStacks = 0;
        for (Map<String, Object> thread : threads) {
            MinidumpReader.Thread written = byTid.get(((Number) thread.get("tid")).longValue());
            assertNotNull(written, "thread " + thread.get("tid"));
            if (thread.get("missing") == null && written.stack().length > 0) {
                withStacks++;
                long rsp = written.context().rsp();
                assertTrue(written.stackStart() <= rsp && rsp < written.stackStart() + written.stack().length,
                        "thread " + thread.get("tid") + ": rsp 0x" + Long.toHexString(rsp) + " in its stack memory");
                assertTrue(written.stack().length <= 32 * 1024, "32 KiB by default: " + written.stack().length);
            }
        }
        assertTrue(withStacks >= threads.size() - 2, withStacks + " of " + threads.size() + " threads with stacks");

        // the crashing thread: its registers as capture.txt has them, more stack than the others, the exception
        Map<String, Object> crashing = Inspect.object(json, "crashingThread");
        Map<String, Object> registers = Inspect.object(crashing, "registers");
        MinidumpReader.Thread crashed = byTid.get(minidump.exception.tid());
        assertEquals(hex(registers.get("rip")), crashed.context().rip());
        assertEquals(hex(registers.get("rsp")), crashed.context().rsp());
        assertEquals(hex(registers.get("rbp")), crashed.context().rbp());
        assertEquals(hex(registers.get("rax")), crashed.context().rax());
        assertEquals(hex(registers.get("eflags")), crashed.context().eflags());
        assertEquals(0x10000bL, crashed.context().flags(), "MD_CONTEXT_AMD64_FULL: control, integer, floating point");
        assertNotEquals(0, crashed.context().mxcsr(), "MXCSR from the FXSAVE area (0x1f80 after reset)");
        assertEquals(crashed.context(), minidump.exception.context(), "the exception's context is the thread's");
        assertTrue(crashed.stack().length > 0);
        Map<String, Object> signal = Inspect.object(json, "signal");
        assertEquals(11, minidump.exception.code(), "the signal");
        assertEquals(((Number) signal.get("codeNumber")).longValue(), minidump.exception.flags(), "si_code");
        assertEquals(hex(signal.get("address")), minidump.exception.address(), "si_addr");
        assertEquals(minidump.threads.size(), minidump.memory.size() + (int) minidump.threads.stream()
                .filter(thread -> thread.stack().length == 0).count(), "each stack in the memory list too");

        // modules: every one, with its path, base, size and GNU build-id in a 'BpEL' CodeView record
        List<Map<String, Object>> modules = Inspect.objects(json, "modules");
        assertEquals(modules.size(), minidump.modules.size());
        for (int i = 0; i < modules.size(); i++) {
            Map<String, Object> module = modules.get(i);
            MinidumpReader.Module written = minidump.modules.get(i);
            assertEquals(module.get("path"), written.name());
            assertEquals(hex(module.get("base")), written.base());
            assertEquals(((Number) module.get("size")).longValue(), written.size());
            assertEquals(module.get("buildId"), written.buildId(), written.name());
            if (written.buildId() != null) {
                assertEquals(0x4270454c, written.cvSignature(), "MDCVInfoELF");
            }
        }
        assertTrue(minidump.modules.stream().anyMatch(m -> m.name().endsWith("/libcrashcaptest.so") && m.buildId() != null));

        // system info and the Linux streams
        assertEquals(9, minidump.system.architecture(), "AMD64");
        assertEquals(0x8201, minidump.system.platform(), "Linux");
        assertTrue(minidump.system.processors() >= 1, "CPU count");
        assertTrue(minidump.system.csdVersion().startsWith("Linux " + System.getProperty("os.version") + " #"),
                minidump.system.csdVersion());
        assertTrue(minidump.system.csdVersion().endsWith(" x86_64"), minidump.system.csdVersion());
        assertTrue(minidump.text(0x47670009L).contains("/libcrashcaptest.so"), "/proc/self/maps");
        long pid = ((Number) Inspect.object(json, "process").get("pid")).longValue();
        assertTrue(minidump.text(0x47670004L).contains("\nPid:\t" + pid + "\n"), "/proc/self/status");
        assertTrue(minidump.text(0x47670006L).contains(Crasher.class.getName() + "\0segv\0"), "cmdline");
        String environ = minidump.text(0x47670007L);
        assertTrue(("\0" + environ).contains("\0APP_DB_PASSWORD=<redacted>\0"), "environ, redacted: " + environ);
        assertFalse(new String(Files.readAllBytes(dump), java.nio.charset.StandardCharsets.ISO_8859_1).contains(SECRET));
        assertTrue(minidump.streams.get(0x47670008L).length % 16 == 0 && minidump.streams.get(0x47670008L).length > 0,
                "auxv: pairs of 64-bit words");

        // -o never replaces a file unless --force says so; bad input is one line and exit 2
        byte[] first = Files.readAllBytes(dump);
        TestJvm.Result again = TestJvm.cli(work, "export", "--minidump", bundle.toString(), "-o", dump.toString());
        assertEquals(2, again.exitCode(), again.toString());
        assertTrue(again.stderr().startsWith("crashcap: ") && again.stderr().strip().lines().count() == 1, again.stderr());
        assertTrue(java.util.Arrays.equals(first, Files.readAllBytes(dump)), "left as it was");
        TestJvm.Result forced = TestJvm.cli(work, "export", "--minidump", bundle.toString(), "-o", dump.toString(),
                "--force");
        assertEquals(0, forced.exitCode(), forced.toString());
        TestJvm.Result notABundle = TestJvm.cli(work, "export", "--minidump", work.toString(), "-o",
                work.resolve("x.dmp").toString());
        assertEquals(2, notABundle.exitCode(), notABundle.toString());
        assertEquals(1, notABundle.stderr().strip().lines().count(), notABundle.stderr());
        assertTrue(notABundle.stderr().startsWith("crashcap: "), notABundle.stderr());
        assertFalse(Files.exists(work.resolve("x.dmp")));

        lldbShowsCrashcapsFrames(dump, crashing, threads.size());
    }

    @Test
    void stackMemoryZeroKeepsRegistersButNoStacks() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.Result jvm = TestJvm.runWithAgentOptions(work, "dir=" + bundles, List.of("-Dcrashcap.stack-memory=0"),
                Map.of(), Crasher.class.getName(), "segv");
        assertNotEquals(0, jvm.exitCode(), jvm.stderr());
        Path bundle = Inspect.onlyBundle(bundles);
        Map<String, Object> json = Inspect.json(work, bundle);
        Path dump = work.resolve("crash.dmp");
        TestJvm.Result export = TestJvm.cli(work, "export", "--minidump", bundle.toString(), "-o", dump.toString());
        assertEquals(0, export.exitCode(), export.toString());
        MinidumpReader minidump = new MinidumpReader(Files.readAllBytes(dump));
        assertEquals(Inspect.objects(json, "threads").size(), minidump.threads.size());
        assertTrue(minidump.threads.stream().allMatch(thread -> thread.stack().length == 0), "no stack memory");
        assertEquals(0, minidump.memory.size());
        Map<String, Object> registers = Inspect.object(Inspect.object(json, "crashingThread"), "registers");
        MinidumpReader.Thread crashed = minidump.threads.stream()
                .filter(thread -> thread.tid() == minidump.exception.tid()).findFirst().orElseThrow();
        assertEquals(hex(registers.get("rip")), crashed.context().rip(), "registers are kept with stack-memory=0");
        long withRegisters = minidump.threads.stream().filter(thread -> thread.context().rsp() != 0).count();
        assertTrue(withRegisters >= minidump.threads.size() - 2, withRegisters + " threads with registers");
    }

    /**
     * lldb -c on the minidump, with the module files where the bundle says: its backtrace of the crashing thread (the
     * selected one, stopped by SIGSEGV) begins with every native frame crashcap shows above its first Java frame, at
     * the same addresses and in the same order, and has crashcap's native frames below the Java frames in its order
     * too (lldb walks the JIT frames between them by their frame pointers).
     */
    private void lldbShowsCrashcapsFrames(Path dump, Map<String, Object> crashing, int threadCount) throws Exception {
        assumeTrue(lldbInstalled(), "lldb is not installed: the lldb check of the minidump cannot run here");
        Process lldb = new ProcessBuilder("lldb", "--no-lldbinit", "-b", "-c", dump.toString(), "-o", "thread backtrace all")
                .redirectErrorStream(true).directory(work.toFile()).start();
        String output = new String(lldb.getInputStream().readAllBytes());
        assertTrue(lldb.waitFor(300, TimeUnit.SECONDS), "lldb ended");
        List<Long> lldbPcs = new ArrayList<>();
        boolean inCrashing = false;
        int lldbThreads = 0;
        for (String line : output.split("\n")) {
            if (line.matches("^\\s*\\*? ?thread #\\d+.*")) {
                lldbThreads++;
                inCrashing = line.trim().startsWith("* thread");
                if (inCrashing) {
                    assertTrue(line.contains("signal SIGSEGV"), line);
                }
                continue;
            }
            Matcher frame = LLDB_FRAME.matcher(line);
            if (inCrashing && frame.find()) {
                lldbPcs.add(Long.parseUnsignedLong(frame.group(2).substring(2), 16));
            }
        }
        // crashcap's native frames above its first Java frame are lldb's first frames; below it (the call stub, then
        // libjvm down to the thread's start: the walk through Java frames) they come in lldb's order too, with lldb's
        // frame-pointer frames of the Java code between them.
        List<Long> crashcapPcs = new ArrayList<>();
        int aboveFirstJava = -1;
        for (Map<String, Object> frame : Inspect.objects(crashing, "frames")) {
            if ("native".equals(frame.get("kind"))) {
                crashcapPcs.add(hex(frame.get("pc")));
            } else if (aboveFirstJava < 0) {
                aboveFirstJava = crashcapPcs.size();
            }
        }
        int above = aboveFirstJava < 0 ? crashcapPcs.size() : aboveFirstJava;
        assertTrue(above >= 5, "crashcap's frames: " + crashcapPcs);
        assertTrue(lldbPcs.size() >= crashcapPcs.size(), "lldb's frames " + lldbPcs + "\n" + output);
        assertEquals(crashcapPcs.subList(0, above), lldbPcs.subList(0, above), output);
        int next = above;
        for (Long pc : crashcapPcs.subList(above, crashcapPcs.size())) {
            int at = lldbPcs.subList(next, lldbPcs.size()).indexOf(pc);
            assertTrue(at >= 0, "crashcap's frame 0x" + Long.toHexString(pc) + " in lldb's order after its frame " + next
                    + ": crashcap " + crashcapPcs + "\n" + output);
            next += at + 1;
        }
        assertEquals(threadCount, lldbThreads, output);
        assertTrue(output.contains("crashcaptest_write_null"), output);
    }

    private static boolean lldbInstalled() {
        try {
            Process version = new ProcessBuilder("lldb", "--version").redirectErrorStream(true).start();
            version.getInputStream().readAllBytes();
            return version.waitFor(60, TimeUnit.SECONDS) && version.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static long hex(Object value) {
        return Long.parseUnsignedLong(((String) value).substring(2), 16);
    }
}
