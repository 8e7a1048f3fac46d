package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.Crasher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The context a JVM engineer looks for first (issue 12), on a real crash, against independent oracles: HotSpot's own
 * hs_err for the same crash (its "Java VM:" line, "[Global flags]", "Heap address:", "Current thread", "uname:",
 * "libc:", "CPU: total", "Memory:", the container section, "Register to memory mapping", "Top of Stack" and
 * "Instructions"), and /proc and system properties read by this test's own JVM on the same machine.
 */
class ContextIT {
    private static final String UNRELATED = "ZZ_IT_UNRELATED_VARIABLE"; // not a JVM engineer's variable
    private static final String SECRET = "CONTEXT_IT_API_TOKEN"; // redacted by its name

    @TempDir
    static Path work;

    private static Path bundle;
    private static Map<String, Object> json;
    private static String hsErr;

    @BeforeAll
    static void crash() throws Exception {
        Path bundles = work.resolve("bundles");
        Map<String, String> env = Map.of(UNRELATED, "1", SECRET, "s3cr3t-value",
                "MALLOC_ARENA_MAX", "2");
        TestJvm.crashWithAgent(work, bundles, List.of("-XX:+UseSerialGC", "-Xmx200m", "-Xms64m", "-XX:MaxMetaspaceSize=256m"),
                env, Crasher.class.getName(), "segv");
        bundle = Inspect.onlyBundle(bundles);
        json = Inspect.json(work, bundle);
        String hsErrPath = (String) json.get("hsErr");
        assertNotNull(hsErrPath, "HotSpot wrote an hs_err for this SIGSEGV");
        hsErr = Files.readString(Path.of(hsErrPath));
    }

    @Test
    void theVmSummaryIsHsErrsJavaVmLine() {
        Matcher line = Pattern.compile("# Java VM: .*\\((.*)\\)\\R").matcher(hsErr);
        assertTrue(line.find(), "hs_err's Java VM line");
        List<String> words = new ArrayList<>(List.of(line.group(1).split(", ")));
        words.remove(0); // the version
        words.remove(words.size() - 1); // linux-amd64
        assertEquals(String.join(", ", words), JsonReader.get(json, "context.vm.summary"));
        assertEquals("serial gc", JsonReader.get(json, "context.vm.gc"));
        assertEquals(Boolean.TRUE, JsonReader.get(json, "context.vm.compressedOops"));
        assertEquals(Boolean.TRUE, JsonReader.get(json, "context.vm.jit"));
        assertEquals(200L * 1024 * 1024, JsonReader.get(json, "context.vm.heap.maxBytes"));
        assertEquals(64L * 1024 * 1024, JsonReader.get(json, "context.vm.heap.initialBytes"));
    }

    @Test
    void theHeapIsWhereHsErrSaysItIs() {
        Matcher heap = Pattern.compile("Heap address: 0x([0-9a-f]+), size: ([0-9]+) MB").matcher(hsErr);
        assertTrue(heap.find(), "hs_err's heap line");
        assertEquals("0x" + Long.toHexString(Long.parseUnsignedLong(heap.group(1), 16)),
                JsonReader.get(json, "context.vm.heap.reservedAddress"));
        assertEquals(Long.parseLong(heap.group(2)) * 1024 * 1024, JsonReader.get(json, "context.vm.heap.reservedBytes"));
    }

    /**
     * Every flag hs_err lists under "[Global flags]" (those not at their default, locked diagnostic and experimental
     * ones left out) is in the bundle with the same type, value and origin, and the bundle has no other.
     */
    @Test
    void theFlagsAreHsErrsGlobalFlags() {
        Map<String, String[]> oracle = new LinkedHashMap<>();
        Matcher flag = Pattern.compile("(?m)^\\s*(\\S+) (\\S+)\\s+= (.*?)\\s*\\{([^}]*)\\} \\{([^}]*)\\}$")
                .matcher(hsErr.substring(hsErr.indexOf("[Global flags]")));
        while (flag.find()) {
            oracle.put(flag.group(2), new String[] {flag.group(1), flag.group(3), flag.group(5)});
        }
        assertTrue(oracle.size() > 5, "hs_err's flags: " + oracle.keySet());
        boolean diagnostic = oracle.containsKey("UnlockDiagnosticVMOptions");
        boolean experimental = oracle.containsKey("UnlockExperimentalVMOptions");
        Map<String, Map<String, Object>> ours = new HashMap<>();
        Set<String> shownByHotSpot = new TreeSet<>();
        for (Map<String, Object> item : Inspect.objects(json, "context.vm.flags")) {
            ours.put((String) item.get("name"), item);
            String kind = (String) item.get("kind");
            if (kind.equals("diagnostic") && !diagnostic || kind.equals("experimental") && !experimental) {
                continue; // hs_err leaves out what is locked
            }
            shownByHotSpot.add((String) item.get("name"));
        }
        assertEquals(new TreeSet<>(oracle.keySet()), shownByHotSpot);
        oracle.forEach((name, expected) -> {
            Map<String, Object> item = ours.get(name);
            assertEquals(expected[0], item.get("type"), name);
            assertEquals(expected[1], item.get("value"), name);
            assertEquals(expected[2], item.get("origin"), name);
        });
        assertEquals("command line", ours.get("UseSerialGC").get("origin"));
        assertEquals("-XX:+UseSerialGC", ours.get("UseSerialGC").get("option"));
    }

    @Test
    void theCrashingThreadsStateIsHsErrs() throws Exception {
        Matcher current = Pattern.compile("Current thread \\(.*JavaThread \"" + Crasher.THREAD_NAME + "\"\\s*\\[(\\w+),")
                .matcher(hsErr);
        assertTrue(current.find(), "hs_err's current thread");
        assertEquals(current.group(1), JsonReader.get(json, "crashingThread.hotspotState"));
        assertEquals("_thread_in_native", current.group(1));
        String report = TestJvm.cli(work, "inspect", bundle.toString()).stdout();
        int context = report.indexOf("\nCONTEXT\n");
        assertTrue(context > report.indexOf("\nCRASHING THREAD") && context < report.indexOf("\nPROCESS\n"), report);
        assertTrue(report.substring(context).startsWith("\nCONTEXT\n  thread state:      _thread_in_native ("), report);
    }

    @Test
    void theHostIsTheMachineHsErrAndThisJvmSee() throws Exception {
        Map<String, Object> host = Inspect.object(json, "context.host");
        assertEquals(System.getProperty("os.version"), host.get("kernel"));
        assertEquals(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip(), host.get("hostname"));
        assertTrue(hsErr.contains("\nuname: Linux " + host.get("kernel") + " " + host.get("kernelVersion") + " "
                + host.get("machine") + "\n"), "hs_err's uname line");
        assertTrue(hsErr.contains("\nlibc: glibc " + host.get("glibc") + " "), "hs_err's libc line");
        Matcher cpus = Pattern.compile("\nCPU: total ([0-9]+) \\(initial active ([0-9]+)\\)").matcher(hsErr);
        assertTrue(cpus.find());
        assertEquals(Long.parseLong(cpus.group(1)), host.get("cpus"));
        Map<String, Object> limits = host.get("cgroup") == null ? Map.of() : Inspect.object(json, "context.host.cgroup");
        Object cgroupCpus = limits.get("cpuLimit");
        if (cgroupCpus == null) { // HotSpot's "active" count also obeys a cgroup CPU quota; the affinity does not
            assertEquals(Long.parseLong(cpus.group(2)), host.get("cpusAvailable"));
        }
        Matcher memory = Pattern.compile("\nMemory: \\S+ page, physical ([0-9]+)k").matcher(hsErr);
        assertTrue(memory.find());
        Object cgroupMemory = limits.get("memoryLimitBytes");
        // HotSpot's "physical" is the cgroup's memory limit when there is one; MemTotal is the machine's
        assertEquals(Long.parseLong(memory.group(1)) * 1024, cgroupMemory != null ? cgroupMemory : host.get("memoryTotalBytes"));
        assertEquals(memTotal(), host.get("memoryTotalBytes"), "this JVM's /proc/meminfo");
        long available = (Long) host.get("memoryAvailableBytes");
        assertTrue(available > 0 && available <= (Long) host.get("memoryTotalBytes"), host.toString());
        assertNotNull(host.get("cpuModel"));
        assertTrue(hsErr.contains(": " + host.get("cpuModel") + "\n") || hsErr.contains("Host: " + host.get("cpuModel")),
                "hs_err names the same CPU model");
        Matcher container = Pattern.compile("\ncontainer_type: cgroupv([12])\n").matcher(hsErr);
        if (container.find()) { // JDK 25 leaves the section out on a v1 host with no limits
            Map<String, Object> cgroup = Inspect.object(json, "context.host.cgroup");
            assertEquals("v" + container.group(1), cgroup.get("version"));
            Matcher limit = Pattern.compile("\nmemory_limit_in_bytes: (unlimited|([0-9]+) k)\n").matcher(hsErr);
            assertTrue(limit.find());
            assertEquals(limit.group(2) == null ? null : Long.parseLong(limit.group(2)) * 1024,
                    cgroup.get("memoryLimitBytes"));
        }
        if (Files.exists(Path.of("/.dockerenv"))) {
            assertEquals("docker", host.get("container"));
        }
    }

    @Test
    void theBytesAtPcAreHsErrsInstructions() {
        Map<String, Object> code = Inspect.object(json, "context.memory.instructions");
        assertEquals(JsonReader.get(json, "crashingThread.registers.rip"), code.get("pc"));
        Map<Long, Integer> oracle = hexDump(section("Instructions:"));
        long start = Long.parseUnsignedLong(((String) code.get("address")).substring(2), 16);
        byte[] bytes = HexFormat.of().parseHex((String) code.get("bytes"));
        assertEquals(128, bytes.length, "64 bytes before pc and 64 from it, all readable in libcrashcaptest.so");
        assertEquals(64L, code.get("before"));
        for (int i = 0; i < bytes.length; i++) {
            assertEquals(oracle.get(start + i), bytes[i] & 0xff, "byte at 0x" + Long.toHexString(start + i));
        }
    }

    @Test
    void theTopOfTheStackIsHsErrs() {
        Map<String, Object> stack = Inspect.object(json, "context.memory.stack");
        assertEquals(JsonReader.get(json, "crashingThread.registers.rsp"), stack.get("sp"));
        long sp = Long.parseUnsignedLong(((String) stack.get("sp")).substring(2), 16);
        byte[] bytes = HexFormat.of().parseHex((String) stack.get("bytes"));
        assertEquals(256, bytes.length);
        Map<Long, Long> words = new HashMap<>();
        Matcher row = Pattern.compile("(?m)^0x([0-9a-f]+):\\s+([0-9a-f]{16})(?: ([0-9a-f]{16}))?")
                .matcher(section("Top of Stack:"));
        while (row.find()) {
            long address = Long.parseUnsignedLong(row.group(1), 16);
            words.put(address, Long.parseUnsignedLong(row.group(2), 16));
            if (row.group(3) != null) {
                words.put(address + 8, Long.parseUnsignedLong(row.group(3), 16));
            }
        }
        for (int i = 0; i < bytes.length; i += 8) {
            long word = 0;
            for (int j = 7; j >= 0; j--) {
                word = word << 8 | (bytes[i + j] & 0xff);
            }
            assertEquals(words.get(sp + i), word, "stack word at sp+" + i);
        }
    }

    /** Each register's target agrees with hs_err's "Register to memory mapping" for it. */
    @Test
    void theRegistersPointWhereHsErrSays() {
        Map<String, Map<String, Object>> ours = new HashMap<>();
        for (Map<String, Object> item : Inspect.objects(json, "context.memory.registers")) {
            ours.put(((String) item.get("register")).toUpperCase(java.util.Locale.ROOT), item);
        }
        Matcher line = Pattern.compile("(?m)^(R[A-Z0-9]+)\\s*=(.*)$").matcher(section("Register to memory mapping:"));
        int checked = 0;
        while (line.find()) {
            Map<String, Object> target = ours.get(line.group(1));
            assertNotNull(target, line.group(1));
            String kind = (String) target.get("kind");
            String says = line.group(2);
            String expected;
            if (says.matches("0x0 is (NULL|null)")) {
                expected = "null";
            } else if (says.contains(" is pointing into the stack for thread")) {
                expected = "stack";
            } else if (says.endsWith(" is a thread")) {
                expected = "thread";
                assertTrue(((String) target.get("pointsTo")).startsWith("the JavaThread of \"" + Crasher.THREAD_NAME + "\""),
                        line.group() + " / " + target); // the JavaThread hs_err names is the crashing thread's here
            } else if (says.contains(" is an unknown value")) {
                expected = "none";
            } else if (says.matches("0x[0-9a-f]+: .* in /\\S+ at 0x[0-9a-f]+")) {
                expected = "module";
                String module = says.replaceAll(".* in (\\S+) at .*", "$1");
                assertTrue(((String) target.get("pointsTo")).startsWith(Path.of(module).getFileName() + "+"),
                        line.group() + " / " + target);
                Matcher symbol = Pattern.compile(": (\\w+)\\+0x0*([0-9a-f]+) in ").matcher(says);
                if (symbol.find()) {
                    assertTrue(((String) target.get("pointsTo")).endsWith("(" + symbol.group(1) + "+0x" + symbol.group(2) + ")"),
                            line.group() + " / " + target);
                }
            } else if (says.contains("is an oop") || says.contains("into object")) {
                expected = "java-heap";
            } else {
                // a JavaThread, a Method, a code blob, "unknown readable memory": memory the JVM allocated
                assertTrue(Set.of("anonymous", "heap").contains(kind), line.group() + " / " + target);
                checked++;
                continue;
            }
            assertEquals(expected, kind, line.group() + " / " + target);
            checked++;
        }
        assertTrue(checked >= 15, "hs_err maps rax..r15: " + checked);
    }

    @Test
    void theEnvironmentShownIsTheJvmEngineersAndTheRedacted() throws Exception {
        String report = TestJvm.cli(work, "inspect", bundle.toString()).stdout();
        String environment = report.substring(report.indexOf("\nENVIRONMENT ("));
        assertTrue(environment.contains("\n  MALLOC_ARENA_MAX=2\n"), environment);
        assertTrue(environment.contains("\n  " + SECRET + "=<redacted>\n"), environment);
        assertTrue(environment.contains("\n  PATH="), environment);
        assertFalse(environment.contains(UNRELATED), environment);
        assertFalse(report.contains("s3cr3t-value"));
        String all = TestJvm.cli(work, "inspect", "--env", bundle.toString()).stdout();
        assertTrue(all.contains("\n  " + UNRELATED + "=1\n"), all);
        assertNull(JsonReader.get(json, "context.vm.flagsProblem"));
    }

    private static long memTotal() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new AssertionError("no MemTotal");
    }

    /** hs_err's section starting with that title, up to its first empty line. */
    private static String section(String title) {
        int start = hsErr.indexOf("\n" + title);
        if (start < 0) {
            fail("hs_err has no '" + title + "'");
        }
        int end = hsErr.indexOf("\n\n", start + 1 + title.length() + 1);
        return hsErr.substring(start + 1, end < 0 ? hsErr.length() : end);
    }

    /** {@code 0x…: 48 89 e5 …} rows (JDK 25 marks the pc's row with {@code =>}): address to byte. */
    private static Map<Long, Integer> hexDump(String text) {
        Map<Long, Integer> bytes = new HashMap<>();
        Matcher row = Pattern.compile("(?m)^(?:=>|\\s*)0x([0-9a-f]+):\\s+((?:[0-9a-f]{2} ?)+)").matcher(text);
        while (row.find()) {
            long address = Long.parseUnsignedLong(row.group(1), 16);
            String[] values = row.group(2).trim().split(" ");
            for (int i = 0; i < values.length; i++) {
                bytes.put(address + i, Integer.parseInt(values[i], 16));
            }
        }
        return bytes;
    }
}
