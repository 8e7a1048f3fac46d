package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.Crasher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Running For": three JVMs die of the same SIGSEGV and one of a SIGFPE, into one folder. Each run has its own
 * addresses (ASLR), yet the three share one signature, and {@code list --group} shows two groups, 3 and 1, with
 * their bundles, times and uptimes. {@code list --json} and {@code inspect --json} give each bundle the signature
 * of its group.
 */
class HistoryIT {
    @TempDir
    Path work;

    @Test
    void sameCrashesGroupTogetherDespiteAslrAndAnotherCrashIsItsOwnGroup() throws Exception {
        Path bundles = work.resolve("bundles");
        for (String kind : List.of("segv", "segv", "fpe", "segv")) {
            TestJvm.Result jvm = TestJvm.runWithAgent(work, bundles, List.of(), Map.of(), Crasher.class.getName(), kind);
            assertTrue(jvm.exitCode() != 0, jvm.stderr());
        }

        TestJvm.Result list = TestJvm.cli(work, "list", "--json", bundles.toString());
        assertEquals(0, list.exitCode(), list.stderr());
        List<Map<String, Object>> entries = array(list.stdout());
        assertEquals(4, entries.size(), list.stdout());
        String segv = null;
        String fpe = null;
        Set<Object> topPcs = new HashSet<>();
        for (Map<String, Object> entry : entries) {
            String signature = (String) entry.get("signature");
            assertFalse(signature.contains("0x"), "no address or offset in " + signature);
            Map<String, Object> inspect = Inspect.json(work, Path.of((String) entry.get("path")));
            assertEquals(signature, inspect.get("signature"), "inspect and list agree");
            if ("SIGSEGV".equals(entry.get("signal"))) {
                assertTrue(segv == null || segv.equals(signature), segv + " vs " + signature);
                segv = signature;
                topPcs.add(Inspect.objects(inspect, "crashingThread.frames").get(0).get("pc"));
            } else {
                assertEquals("SIGFPE", entry.get("signal"));
                fpe = signature;
            }
        }
        assertTrue(segv.startsWith("fault|SIGSEGV|crashcaptest_write_null|"), segv);
        assertTrue(fpe.startsWith("fault|SIGFPE|"), fpe);
        assertNotEquals(segv, fpe);
        if (!Files.readString(Path.of("/proc/sys/kernel/randomize_va_space")).strip().equals("0")) {
            assertTrue(topPcs.size() > 1, "ASLR gave the three SIGSEGVs different addresses: " + topPcs);
        }

        TestJvm.Result grouped = TestJvm.cli(work, "list", "--group", "--json", bundles.toString());
        assertEquals(0, grouped.exitCode(), grouped.stderr());
        List<Map<String, Object>> groups = array(grouped.stdout());
        assertEquals(2, groups.size(), grouped.stdout());
        Map<String, Object> first = groups.get(0);
        Map<String, Object> second = groups.get(1);
        assertEquals(segv, first.get("signature"));
        assertEquals(3L, ((Number) first.get("count")).longValue());
        assertEquals(fpe, second.get("signature"));
        assertEquals(1L, ((Number) second.get("count")).longValue());
        Set<Object> segvPaths = new TreeSet<>();
        entries.stream().filter(e -> "SIGSEGV".equals(e.get("signal"))).forEach(e -> segvPaths.add(e.get("path")));
        assertEquals(segvPaths, new TreeSet<>((List<?>) first.get("bundles")));
        assertTrue(((String) first.get("first")).compareTo((String) first.get("last")) <= 0, grouped.stdout());
        long min = ((Number) first.get("uptimeMinMillis")).longValue();
        long median = ((Number) first.get("uptimeMedianMillis")).longValue();
        assertTrue(min > 0 && min <= median, grouped.stdout());

        TestJvm.Result human = TestJvm.cli(work, "list", "--group", bundles.toString());
        assertEquals(0, human.exitCode(), human.stderr());
        List<String> lines = human.stdout().lines().toList();
        assertTrue(lines.get(0).startsWith("COUNT"), human.stdout());
        assertTrue(lines.get(1).startsWith("3 ") && lines.get(1).endsWith(segv), human.stdout());
        String other = fpe;
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("1 ") && line.endsWith(other)), human.stdout());
        assertEquals(1 + 2 + 3 + 1, lines.size(), "the heading, two rows, a line per bundle:\n" + human.stdout());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> array(String json) {
        return (List<Map<String, Object>>) JsonReader.read(json);
    }
}
