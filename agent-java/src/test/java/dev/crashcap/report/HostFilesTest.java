package dev.crashcap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parsers of the raw system files a capture holds, on fixed inputs from real machines. */
class HostFilesTest {
    private static final String MEMINFO = """
            MemTotal:       24684084 kB
            MemFree:        22992720 kB
            MemAvailable:   24095192 kB
            Buffers:           26004 kB
            HugePages_Total:       0
            Hugepagesize:       2048 kB
            """;

    @Test
    void meminfoInBytes() {
        Map<String, Long> values = HostFiles.meminfo(MEMINFO);
        assertEquals(24684084L * 1024, values.get("MemTotal"));
        assertEquals(24095192L * 1024, values.get("MemAvailable"));
        assertEquals(0L, values.get("HugePages_Total"), "a count has no unit");
        assertEquals(2048L * 1024, values.get("Hugepagesize"));
        assertTrue(HostFiles.meminfo(null).isEmpty());
        assertTrue(HostFiles.meminfo("MemTotal: lots kB\ngarbage\n").isEmpty());
    }

    @Test
    void cpuModelOfX86AndArm() {
        assertEquals("AMD EPYC", HostFiles.cpuModel("processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\n"
                + "model\t\t: 2\nmodel name\t: AMD EPYC\nstepping\t: 1\n"));
        assertEquals("Raspberry Pi 4 Model B Rev 1.4", HostFiles.cpuModel("processor\t: 0\nBogoMIPS\t: 108.00\n"
                + "CPU implementer\t: 0x41\nCPU part\t: 0xd08\n\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n"));
        assertNull(HostFiles.cpuModel("processor\t: 0\n"));
        assertNull(HostFiles.cpuModel(null));
    }

    @Test
    void cpuLists() {
        assertEquals(2, HostFiles.cpuCount("0-1\n"));
        assertEquals(1, HostFiles.cpuCount("0"));
        assertEquals(7, HostFiles.cpuCount("0-3,8,10-11"));
        assertNull(HostFiles.cpuCount(""));
        assertNull(HostFiles.cpuCount("3-1"));
        assertNull(HostFiles.cpuCount("a-b"));
        assertNull(HostFiles.cpuCount("-"));
    }

    @Test
    void cgroupV2Files() {
        assertNull(HostFiles.v2Limit("max\n"), "memory.max without a limit");
        assertEquals(536870912L, HostFiles.v2Limit("536870912\n"));
        assertEquals(List.of(150000L, 100000L), List.of(HostFiles.v2CpuMax("150000 100000\n")));
        Long[] none = HostFiles.v2CpuMax("max 100000\n");
        assertNull(none[0]);
        assertEquals(100000L, none[1]);
        assertEquals(1.5, HostFiles.cpuLimit(150000L, 100000L));
        assertNull(HostFiles.cpuLimit(null, 100000L));
    }

    @Test
    void cgroupV1Files() {
        assertNull(HostFiles.v1MemoryLimit("9223372036854771712\n"), "v1's 'no limit' on 4 KiB pages");
        assertEquals(1073741824L, HostFiles.v1MemoryLimit("1073741824\n"));
        assertEquals(-1L, HostFiles.number("-1\n"), "cpu.cfs_quota_us without a quota");
        assertNull(HostFiles.cpuLimit(-1L, 100000L));
        assertEquals(0.5, HostFiles.cpuLimit(50000L, 100000L));
        assertNull(HostFiles.number("not a number"));
    }
}
