package dev.crashcap.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** stacks.bin as docs/capture-format.md describes it, written here byte by byte; and cut off anywhere. */
class StacksFileTest {
    private static final Path FILE = Path.of("/bundle/stacks.bin");

    @Test
    void readsThreadsAndProcFilesAndTheEndMark() throws BundleException {
        StacksFile file = StacksFile.parse(sample(), FILE);
        assertTrue(file.complete());
        assertEquals(62, file.machine());
        assertEquals(2, file.threads().size());
        StacksFile.ThreadContext crashing = file.threads().get(0);
        assertEquals(7010, crashing.tid());
        assertTrue(crashing.crashing());
        assertEquals(23, crashing.registers().length);
        assertEquals(0x7f00001000L, crashing.registers()[16], "rip is gregs[16]");
        assertEquals(512, crashing.fpState().length);
        assertEquals(0x7ffd0000L, crashing.stackStart());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, crashing.stack());
        assertFalse(file.threads().get(1).crashing());
        assertEquals(0, file.threads().get(1).stack().length);
        assertEquals("00400000-00401000 r-xp 0 0:0 0 /bin/x\n",
                new String(file.procFiles().get(StacksFile.MAPS), StandardCharsets.UTF_8));
    }

    @Test
    void aFileCutOffAnywhereKeepsTheWholeThreadsBeforeTheCut() throws BundleException {
        byte[] whole = sample();
        for (int length = 16; length < whole.length - 8; length++) {
            StacksFile cut = StacksFile.parse(Arrays.copyOf(whole, length), FILE);
            assertFalse(cut.complete(), "cut at " + length);
            assertTrue(cut.threads().size() <= 2);
        }
        assertThrows(BundleException.class, () -> StacksFile.parse("not a stacks file".getBytes(), FILE));
    }

    private static byte[] sample() {
        ByteBuffer out = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        out.put("CCSTACKS".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(62);
        thread(out, 7010, 3, new byte[] {1, 2, 3, 4}, 512);
        thread(out, 7011, 2, new byte[0], 0);
        byte[] maps = "00400000-00401000 r-xp 0 0:0 0 /bin/x\n".getBytes(StandardCharsets.UTF_8);
        out.putInt(0x434F5250).putInt(StacksFile.MAPS).putInt(10).put(maps, 0, 10).putInt(maps.length - 10)
                .put(maps, 10, maps.length - 10).putInt(0);
        out.put("CCSTKEND".getBytes(StandardCharsets.US_ASCII));
        return Arrays.copyOf(out.array(), out.position());
    }

    private static void thread(ByteBuffer out, int tid, int flags, byte[] stack, int fpBytes) {
        out.putInt(tid).putInt(flags).putInt(23).putInt(fpBytes).putLong(stack.length > 0 ? 0x7ffd0000L : 0)
                .putLong(stack.length);
        for (int i = 0; i < 23; i++) {
            out.putLong(i == 16 ? 0x7f00001000L : i);
        }
        out.put(new byte[fpBytes]).put(stack);
    }
}
