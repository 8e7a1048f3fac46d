package dev.crashcap.minidump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.BundleException;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.bundle.Samples;
import dev.crashcap.bundle.ThreadInfo;
import org.junit.jupiter.api.Test;

/**
 * A bundle without stacks.bin (an agent before it, or stack capture cut off) still gives a minidump: the crashing
 * thread's registers from capture.txt, every other thread's first pc and stack pointer, no stack memory. Read back
 * with the tests' own reader.
 */
class MinidumpWriterTest {
    @Test
    void aBundleWithoutStacksFileGivesContextsFromTheCapture() throws BundleException {
        Bundle bundle = Samples.parse(Samples.THREADS);
        MinidumpReader dump = new MinidumpReader(MinidumpWriter.write(bundle, null));
        assertEquals(bundle.threads().size(), dump.threads.size());
        assertEquals(7010, dump.exception.tid());
        assertEquals(11, dump.exception.code());
        assertEquals(1, dump.exception.flags(), "SEGV_MAPERR");
        assertEquals(0x7f3a2c1011a9L, dump.exception.context().rip());
        assertEquals(0x7f3a0c9fe7f0L, dump.exception.context().rsp());
        assertEquals(0x100003L, dump.exception.context().flags(), "control and integer only: no FPU state known");
        for (int i = 0; i < bundle.threads().size(); i++) {
            ThreadInfo thread = bundle.threads().get(i);
            MinidumpReader.Thread written = dump.threads.get(i);
            assertEquals(thread.tid().longValue(), written.tid());
            NativeFrame top = thread.topNativeFrame();
            if (top != null) {
                assertEquals(top.pc(), written.context().rip(), "thread " + thread.tid());
            }
            assertEquals(0, written.stack().length);
        }
        assertEquals(bundle.modules().size(), dump.modules.size());
        assertEquals(bundle.modules().get(0).path(), dump.modules.get(0).name());
        assertEquals(0, dump.memory.size());
        assertEquals(7, dump.streams.size(), "no maps, status or auxv without stacks.bin: " + dump.streams.keySet());
        assertEquals(1795517364L, dump.timeDateStamp);
        assertFalse(dump.streams.containsKey(0x47670009L));
        assertEquals("HOME=/root\0", dump.text(0x47670007L), "the environment as the header has it (redacted there)");
    }

    @Test
    void aLiveSnapshotHasNoExceptionStream() throws BundleException {
        Bundle snapshot = Samples.parseLines("crashcap-capture|1", "section|header", "process.pid|5", "os.arch|amd64",
                "section|snapshot", "time.epochMillis|1795517364000", "thread.tid|6", "section|threads",
                "section|thread", "tid|7", "frame|native|0x1000|||||1", "section|modules", "section|end", "end|complete");
        MinidumpReader dump = new MinidumpReader(MinidumpWriter.write(snapshot, null));
        assertEquals(1, dump.threads.size());
        assertEquals(null, dump.exception);
        assertFalse(dump.streams.containsKey(6L));
    }

    @Test
    void otherProcessorsAreRefusedInOneLine() {
        Bundle arm = assertDoesNotThrowParse();
        BundleException refused = assertThrows(BundleException.class, () -> MinidumpWriter.write(arm, null));
        assertTrue(refused.getMessage().contains("x86_64"), refused.getMessage());
    }

    @Test
    void helpersReadTheKernelsWords() {
        assertArrayEquals(new int[] {6, 1, 0}, MinidumpWriter.kernelNumbers("6.1.0-18-amd64"));
        assertArrayEquals(new int[] {5, 15, 0}, MinidumpWriter.kernelNumbers("5.15"));
    }

    private static Bundle assertDoesNotThrowParse() {
        try {
            return Samples.parseLines("crashcap-capture|1", "section|header", "os.arch|aarch64", "section|crash",
                    "signal.number|11", "thread.tid|2", "section|end", "end|complete");
        } catch (BundleException e) {
            throw new AssertionError(e);
        }
    }
}
