package dev.crashcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.bundle.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code list --group} on written captures: counts, first and last, the uptimes' minimum and (lower) median, the
 * bundles newest first, unreadable bundles in a group of their own, and at most three bundles named per row.
 */
class ListGroupTest {
    private static final long T0 = 1_790_000_000_000L;

    @TempDir
    Path folder;

    @Test
    void groupsBySignature() throws Exception {
        long[] uptimes = {400, 100, 300, 200};
        for (int i = 0; i < uptimes.length; i++) {
            // the same crash site at other addresses, as each run has its own
            Samples.bundleDir(folder, "crash-a" + i, segv(T0 + i * 1000, uptimes[i], 0x7f0010001000L + i * 0x10000000L,
                    "foo_check"));
        }
        Samples.bundleDir(folder, "crash-b", segv(T0 + 500, 9000, 0x7f0010001000L, "foo_parse"));
        Samples.bundleDir(folder, "crash-bad", "\u0000garbage\n".getBytes());

        MainTest.Result json = MainTest.run("list", "--group", "--json", folder.toString());
        assertEquals(0, json.code(), json.err());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> groups = (List<Map<String, Object>>) JsonReader.read(json.out());
        assertEquals(3, groups.size(), json.out());
        Map<String, Object> a = groups.get(0);
        assertEquals("fault|SIGSEGV|foo_check|foo_run", a.get("signature"));
        assertEquals(4L, ((Number) a.get("count")).longValue());
        assertEquals("2026-09-21T14:13:20Z", a.get("first"));
        assertEquals("2026-09-21T14:13:23Z", a.get("last"));
        assertEquals(100L, ((Number) a.get("uptimeMinMillis")).longValue());
        assertEquals(200L, ((Number) a.get("uptimeMedianMillis")).longValue(), "of 100 200 300 400, the lower middle");
        assertEquals(List.of(path("crash-a3"), path("crash-a2"), path("crash-a1"), path("crash-a0")), a.get("bundles"));
        Map<String, Object> b = groups.get(1);
        assertEquals("fault|SIGSEGV|foo_parse|foo_run", b.get("signature"));
        assertEquals(List.of(path("crash-b")), b.get("bundles"));
        assertEquals(9000L, ((Number) b.get("uptimeMedianMillis")).longValue());
        Map<String, Object> bad = groups.get(2);
        assertNull(bad.get("signature"));
        assertNull(bad.get("first"));
        assertNull(bad.get("uptimeMinMillis"));
        assertEquals(List.of(path("crash-bad")), bad.get("bundles"));

        MainTest.Result human = MainTest.run("list", "--group", folder.toString());
        assertEquals(0, human.code(), human.err());
        List<String> lines = human.out().lines().toList();
        assertEquals(List.of("COUNT", "FIRST", "(UTC)", "LAST", "(UTC)", "UPTIME", "MIN", "MEDIAN", "SIGNATURE"),
                List.of(lines.get(0).split(" +")));
        assertEquals(List.of("4", "2026-09-21T14:13:20Z", "2026-09-21T14:13:23Z", "100", "ms", "200", "ms",
                "fault|SIGSEGV|foo_check|foo_run"), List.of(lines.get(1).split(" +")));
        assertEquals(List.of("    " + path("crash-a3"), "    " + path("crash-a2"), "    " + path("crash-a1"),
                "    … and 1 more"), lines.subList(2, 6));
        assertEquals(List.of("1", "2026-09-21T14:13:20Z", "2026-09-21T14:13:20Z", "9.0", "s", "9.0", "s",
                "fault|SIGSEGV|foo_parse|foo_run"), List.of(lines.get(6).split(" +")));
        assertEquals("    " + path("crash-b"), lines.get(7));
        assertEquals(List.of("1", "-", "-", "-", "-", "(unreadable)"), List.of(lines.get(8).split(" +")));
        assertEquals("    " + path("crash-bad"), lines.get(9));
        assertEquals(10, lines.size(), human.out());
    }

    @Test
    void anEmptyFolderHasNoGroups() throws Exception {
        assertEquals("[]\n", MainTest.run("list", "--group", "--json", folder.toString()).out());
        assertEquals("no bundles\n", MainTest.run("list", "--group", folder.toString()).out());
    }

    @Test
    void durationsReadAsAPersonReadsThem() {
        assertEquals("850 ms", SignatureGroups.duration(850L));
        assertEquals("12.3 s", SignatureGroups.duration(12_345L));
        assertEquals("5 min 3 s", SignatureGroups.duration(303_000L));
        assertEquals("2 h 14 min", SignatureGroups.duration((2 * 60 + 14) * 60_000L));
        assertEquals("3 d 4 h", SignatureGroups.duration((3 * 24 + 4) * 3_600_000L));
        assertEquals("-", SignatureGroups.duration(null));
    }

    private String path(String name) {
        return folder.resolve(name).toAbsolutePath().normalize().toString();
    }

    private static byte[] segv(long time, long uptime, long base, String function) {
        return Samples.capture("crashcap-capture|1", "section|crash", "time.epochMillis|" + time,
                "process.uptimeMillis|" + uptime, "signal.number|11", "signal.name|SIGSEGV",
                "signal.codeName|SEGV_MAPERR", "signal.address|0x0", "section|thread", "tid|1", "crashed|1",
                "frame|native|0x" + Long.toHexString(base + 0x10) + "|/usr/lib/x86_64-linux-gnu/libc.so.6|0x10|memcpy|0x10",
                "frame|native|0x" + Long.toHexString(base + 0x1234) + "|/opt/lib/libfoo.so|0x1234|" + function + "|0x4",
                "frame|native|0x" + Long.toHexString(base + 0x2234) + "|/opt/lib/libfoo.so|0x2234|foo_run|0x8",
                "section|end", "end|complete");
    }
}
