package dev.crashcap.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskCapTest {
    @TempDir
    Path folder;

    private Path bundle(String name, SpoolState state, long age) throws Exception {
        Path dir = TestBundles.bundle(folder, name, "sig");
        if (state != SpoolState.NEW) {
            StateFile.write(dir, new SpoolRecord(state, 1, 0, null, false, 1));
        }
        Files.setLastModifiedTime(dir.resolve(TestBundles.CAPTURE), FileTime.fromMillis(1_000_000 + age));
        return dir;
    }

    @Test
    void deletesOldestSentFirstThenOldestPendingNeverNew() throws Exception {
        Path pendingOld = bundle("p-old", SpoolState.PENDING, 1);
        Path sentNew = bundle("s-new", SpoolState.SENT, 5);
        Path sentOld = bundle("s-old", SpoolState.SENT, 2);
        Path pendingNew = bundle("p-new", SpoolState.PENDING, 6);
        Path fresh = bundle("n-old", SpoolState.NEW, 0);
        List<String> log = new ArrayList<>();

        assertEquals(2, new DiskCap(3, Long.MAX_VALUE).enforce(TestBundles.spool(folder), log::add));
        assertFalse(Files.exists(sentOld));
        assertFalse(Files.exists(sentNew));
        assertTrue(Files.exists(pendingOld) && Files.exists(pendingNew) && Files.exists(fresh));
        assertEquals(2, log.size());
        assertTrue(log.get(0).startsWith("deleted sent bundle " + sentOld), log.get(0));

        assertEquals(1, new DiskCap(2, Long.MAX_VALUE).enforce(TestBundles.spool(folder), log::add));
        assertFalse(Files.exists(pendingOld), "then the oldest pending");
        assertEquals(1, new DiskCap(0, 0).enforce(TestBundles.spool(folder), log::add));
        assertTrue(Files.exists(fresh), "a new bundle is never deleted");
    }

    @Test
    void byteLimitCountsEveryFile() throws Exception {
        Path a = bundle("a", SpoolState.SENT, 1);
        Path b = bundle("b", SpoolState.SENT, 2);
        long one = DiskCap.size(a);
        assertEquals(1, new DiskCap(100, one).enforce(TestBundles.spool(folder), line -> { }));
        assertFalse(Files.exists(a));
        assertTrue(Files.exists(b));
    }
}
