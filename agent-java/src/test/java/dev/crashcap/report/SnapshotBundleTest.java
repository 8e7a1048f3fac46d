package dev.crashcap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.BundleLocator;
import dev.crashcap.bundle.JsonReader;
import dev.crashcap.bundle.Samples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live snapshot bundles (crashcap dump): the snapshot section, locks.txt, and how JSON, report and list show them. */
class SnapshotBundleTest {
    private static final String[] CAPTURE = {
        "crashcap-capture|1",
        "section|header",
        "process.pid|4242",
        "section|snapshot",
        "time.epochMillis|1795517364000",
        "process.pid|4242",
        "process.uptimeMillis|812",
        "thread.tid|4299",
        "section|threads",
        "threads.total|5",
        "threads.answered|5",
        "section|thread", "tid|4243", "name|deadlock-a", "java|1", "crashed|0", "state|BLOCKED", "kstate|S",
        "frame|java|Ldev/App;|lockBothHere|40",
        "section|thread", "tid|4244", "name|deadlock-b", "java|1", "crashed|0", "state|BLOCKED", "kstate|S",
        "frame|java|Ldev/App;|lockBothHere|40",
        "section|thread", "tid|4245", "name|pool", "java|1", "crashed|0", "state|WAITING", "kstate|S",
        "section|thread", "tid|4246", "name|pool", "java|1", "crashed|0", "state|WAITING", "kstate|S",
        "section|thread", "tid|4247", "name|cc-native", "java|0", "crashed|0", "kstate|S",
        "section|modules",
        "section|end",
        "capture.micros|1234",
        "end|complete",
    };

    private static final String[] LOCKS = {
        "crashcap-locks|1",
        "thread|21|deadlock-a|BLOCKED", "held|dev.App$LockA|0x1a", "waiting|dev.App$LockB|0x2b|22|deadlock-b",
        "thread|22|deadlock-b|BLOCKED", "held|dev.App$LockB|0x2b", "waiting|dev.App$LockA|0x1a|21|deadlock-a",
        "thread|23|pool|WAITING", "held|java.lang.Object|0x3c",
        "thread|24|pool|WAITING",
        "thread|1|main|RUNNABLE",
        "deadlock|21|22",
        "end|complete",
    };

    @TempDir
    Path folder;

    @Test
    void aSnapshotHasNoCrashAndItsOwnKind() throws Exception {
        Bundle bundle = Samples.parseLines(CAPTURE);
        assertTrue(bundle.isSnapshot());
        assertEquals("snapshot", bundle.kind());
        assertNull(bundle.crashingThread(), "the requesting thread did not crash");
        assertEquals(1795517364000L, bundle.crash().timeEpochMillis());
        assertEquals(5, bundle.threads().size());
        assertEquals(List.of(), bundle.warnings());
        Diagnosis diagnosis = Diagnosis.of(bundle);
        assertEquals("snapshot", diagnosis.kind().jsonName());
        assertEquals("live snapshot of 5 threads (locks not recorded)", diagnosis.summary());
        assertNull(diagnosis.suspectModule());
        assertEquals("crash", Samples.parse(Samples.SEGV).kind());
    }

    @Test
    void locksAreJoinedByNameAndTheDeadlockIsNamed() throws Exception {
        Bundle bundle = load();
        Map<String, Object> json = BundleJson.inspect(bundle, null);
        assertEquals("snapshot", json.get("kind"));
        assertNull(json.get("crashingThread"));
        assertEquals(List.of(List.of("deadlock-a", "deadlock-b")), json.get("deadlocks"));
        assertEquals("deadlock", JsonReader.get(json, "diagnosis.kind"));
        assertEquals("deadlock: \"deadlock-a\" and \"deadlock-b\" wait for each other's locks",
                JsonReader.get(json, "diagnosis.summary"));
        Map<String, Object> a = thread(json, 0);
        assertEquals(List.of(Map.of("class", "dev.App$LockA", "identityHash", "0x1a")), a.get("locksHeld"));
        assertEquals(Map.of("class", "dev.App$LockB", "identityHash", "0x2b", "ownerName", "deadlock-b"), a.get("waitingOn"));
        Map<String, Object> nativeThread = thread(json, 4);
        assertNull(nativeThread.get("locksHeld"), "a native thread has no Java locks");
        assertNull(nativeThread.get("waitingOn"));
    }

    @Test
    void threadsThatShareANameAndDifferInLocksGetNoneAndAWarning() throws Exception {
        Bundle bundle = load();
        Map<String, Object> json = BundleJson.inspect(bundle, null);
        assertNull(thread(json, 2).get("locksHeld"));
        assertNull(thread(json, 3).get("locksHeld"));
        assertEquals(1, bundle.warnings().size(), bundle.warnings().toString());
        assertTrue(bundle.warnings().get(0).contains("several Java threads are named \"pool\""), bundle.warnings().toString());
    }

    @Test
    void threadsThatShareANameAndTheirLocksGetThem() throws Exception {
        String[] locks = LOCKS.clone();
        locks[7] = "held|x|0x0"; // both "pool" threads now hold nothing different: drop the first's lock
        List<String> same = new java.util.ArrayList<>(List.of(locks));
        same.remove("held|x|0x0");
        Bundle bundle = load(same.toArray(String[]::new));
        Map<String, Object> json = BundleJson.inspect(bundle, null);
        assertEquals(List.of(), thread(json, 2).get("locksHeld"));
        assertEquals(List.of(), thread(json, 3).get("locksHeld"));
        assertEquals(List.of(), bundle.warnings());
    }

    @Test
    void noDeadlockAndACutOffLocksFile() throws Exception {
        Bundle bundle = load("crashcap-locks|1", "thread|21|deadlock-a|BLOCKED", "held|dev.App$LockA|0x1a");
        assertEquals(List.of(), BundleJson.inspect(bundle, null).get("deadlocks"));
        assertEquals("snapshot", Diagnosis.of(bundle).kind().jsonName());
        assertEquals("live snapshot of 5 threads, no deadlock", Diagnosis.of(bundle).summary());
        assertTrue(bundle.warnings().contains("locks.txt: cut off (no 'end complete' line)"), bundle.warnings().toString());
        assertEquals(List.of(Map.of("class", "dev.App$LockA", "identityHash", "0x1a")),
                thread(BundleJson.inspect(bundle, null), 0).get("locksHeld"));
    }

    @Test
    void theReportSaysLiveSnapshotAndShowsTheDeadlockFirst() throws Exception {
        String report = HumanReport.render(load(), null);
        assertTrue(report.contains(" A live snapshot of pid 4242 taken at 2026-11-24T10:49:24Z (crashcap dump); the process"
                + " went on running\n"), report);
        int previous = -1;
        for (String part : List.of("SUMMARY", "DEADLOCKS (1)", "THREADS (5)", "PROCESS", "MODULES (0)")) {
            int at = report.indexOf(part);
            assertTrue(at > previous, part + " out of order in\n" + report);
            previous = at;
        }
        assertTrue(report.contains("    \"deadlock-a\" waits for dev.App$LockA".replace("LockA", "LockB")
                + "@0x2b, held by \"deadlock-b\"\n"), report);
        assertTrue(report.contains("    holds dev.App$LockA@0x1a\n    waits for dev.App$LockB@0x2b, held by \"deadlock-b\"\n"),
                report);
        assertFalse(report.contains("CRASHING THREAD") || report.contains("hs_err") || report.contains("WHAT HAPPENED"), report);
    }

    @Test
    void listShowsTheKind() throws Exception {
        Map<String, Object> entry = BundleJson.listEntry(load());
        assertEquals("snapshot", entry.get("kind"));
        assertEquals("deadlock", entry.get("diagnosis"));
        assertNull(entry.get("signal"));
    }

    private Bundle load(String... locks) throws Exception {
        Path dir = Samples.bundleDir(folder, "snapshot-20261124T104924Z-4242", Samples.capture(CAPTURE));
        String[] lines = locks.length == 0 ? LOCKS : locks;
        Files.write(dir.resolve("locks.txt"), new String(Samples.capture(lines), StandardCharsets.UTF_8)
                .getBytes(StandardCharsets.UTF_8));
        return BundleLocator.load(dir);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> thread(Map<String, Object> json, int index) {
        return (Map<String, Object>) ((List<Object>) json.get("threads")).get(index);
    }
}
