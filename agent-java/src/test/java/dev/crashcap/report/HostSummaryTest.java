package dev.crashcap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Samples;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The host summary from a capture's host section: cgroup v1 and v2, container hints, on fixed files. */
class HostSummaryTest {
    private static HostSummary host(String... lines) throws Exception {
        List<String> all = new ArrayList<>(List.of("crashcap-capture|1", "section|host"));
        all.addAll(List.of(lines));
        all.addAll(List.of("section|end", "end|complete"));
        Bundle bundle = Samples.parseLines(all.toArray(String[]::new));
        return HostSummary.of(bundle.context(), bundle.header());
    }

    @Test
    void cgroupV2InAContainerWithLimits() throws Exception {
        HostSummary host = host("uname.release|6.1.0-18-amd64", "uname.nodename|web-7f9c", "libc.version|2.36",
                "cpu.affinity|4", "file|/proc/meminfo|MemTotal:       16384000 kB\\nMemAvailable:    8192000 kB\\n",
                "file|/proc/self/cgroup|0::/\\n",
                "file|/sys/fs/cgroup/memory.max|1073741824\\n", "file|/sys/fs/cgroup/memory.current|52428800\\n",
                "file|/sys/fs/cgroup/cpu.max|200000 100000\\n", "file|/sys/fs/cgroup/cpu.weight|100\\n",
                "file|/sys/fs/cgroup/cpuset.cpus.effective|0-3\\n",
                "file|/run/.containerenv|engine=\"podman-4.3.1\"\\nname=\"web\"\\n",
                "file|/proc/self/mountinfo|510 480 0:44 / / rw,relatime - overlay overlay rw,lowerdir=/l\\n");
        assertEquals("web-7f9c", host.hostname());
        assertEquals("6.1.0-18-amd64", host.kernel());
        assertEquals("2.36", host.glibc());
        assertEquals(4, host.cpusAvailable());
        assertEquals(16384000L * 1024, host.memoryTotal());
        assertEquals(8192000L * 1024, host.memoryAvailable());
        HostSummary.Cgroup cgroup = host.cgroup();
        assertEquals("v2", cgroup.version());
        assertEquals(1073741824L, cgroup.memoryLimit());
        assertEquals(52428800L, cgroup.memoryUsage());
        assertEquals(2.0, cgroup.cpuLimit());
        assertEquals(100L, cgroup.cpuWeight());
        assertEquals("0-3", cgroup.cpuset());
        assertEquals("/sys/fs/cgroup", cgroup.path());
        assertEquals("podman", host.container());
        assertEquals(List.of("/run/.containerenv exists (engine podman-4.3.1)", "the root file system is overlay"),
                host.containerHints());
    }

    @Test
    void cgroupV1OnAHostWithoutLimits() throws Exception {
        String dir = "/sys/fs/cgroup/memory/user.slice";
        HostSummary host = host("file|/proc/self/cgroup|4:memory:/user.slice\\n1:cpu,cpuacct:/\\n0::/\\n",
                "file|" + dir + "/memory.limit_in_bytes|9223372036854771712\\n",
                "file|" + dir + "/memory.usage_in_bytes|97488896\\n",
                "file|/sys/fs/cgroup/cpu/cpu.cfs_quota_us|-1\\n", "file|/sys/fs/cgroup/cpu/cpu.cfs_period_us|100000\\n",
                "file|/sys/fs/cgroup/cpu/cpu.shares|1024\\n",
                "file|/proc/self/mountinfo|27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\\n");
        HostSummary.Cgroup cgroup = host.cgroup();
        assertEquals("v1", cgroup.version());
        assertNull(cgroup.memoryLimit(), "no limit");
        assertEquals(97488896L, cgroup.memoryUsage());
        assertNull(cgroup.cpuLimit(), "no quota");
        assertEquals(1024L, cgroup.cpuShares());
        assertEquals(dir, cgroup.path());
        assertNull(host.container(), "nothing says container");
    }

    @Test
    void containerRuntimes() {
        assertEquals("kubernetes", HostSummary.runtime(HostSummary.containerHints(Map.of("/proc/self/cgroup",
                "0::/kubepods.slice/kubepods-burstable.slice/cri-containerd-3f1c.scope\n", "/.dockerenv", ""))));
        assertEquals("docker", HostSummary.runtime(HostSummary.containerHints(Map.of("/.dockerenv", ""))));
        assertEquals("docker", HostSummary.runtime(HostSummary.containerHints(Map.of("/proc/1/cgroup",
                "12:memory:/docker/0123abcd\n"))));
        assertEquals("containerd", HostSummary.runtime(HostSummary.containerHints(Map.of("/proc/self/cgroup",
                "0::/system.slice/containerd.service\n"))));
        assertNull(HostSummary.runtime(HostSummary.containerHints(Map.of("/proc/self/cgroup", "0::/user.slice\n"))));
    }

    @Test
    void anOlderCaptureFallsBackToTheHeader() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|header", "os.version|5.15.0",
                "host.name|old-host", "section|end", "end|complete");
        HostSummary host = HostSummary.of(bundle.context(), bundle.header());
        assertEquals("5.15.0", host.kernel());
        assertEquals("old-host", host.hostname());
        assertNull(host.cgroup());
        assertEquals(true, bundle.context().isEmpty());
    }
}
