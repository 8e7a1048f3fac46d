package dev.crashcap.report;

import dev.crashcap.bundle.Context;
import dev.crashcap.bundle.Header;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The machine at the crash (docs/bundle-format.md, {@code context.host}), from what the handler recorded: uname, the
 * glibc version, the CPUs, memory, the cgroup's limits and the container runtime when something says which.
 */
record HostSummary(String hostname, String kernel, String kernelVersion, String machine, String glibc, String cpuModel,
        Integer cpus, Integer cpusAvailable, Long memoryTotal, Long memoryAvailable, String loadAverage, Cgroup cgroup,
        String container, List<String> containerHints) {

    /**
     * The cgroup's limits and usage: {@code version} {@code "v1"} or {@code "v2"}; limits null when there is none.
     * {@code cpuShares} is v1's cpu.shares, {@code cpuWeight} v2's cpu.weight.
     */
    record Cgroup(String version, Long memoryLimit, Long memoryUsage, Long memorySwapLimit, Double cpuLimit,
            Long cpuQuota, Long cpuPeriod, Long cpuShares, Long cpuWeight, String cpuset, String path) {
    }

    static HostSummary of(Context context, Header header) {
        Map<String, String> host = context.host();
        Map<String, String> files = context.files();
        Map<String, Long> meminfo = HostFiles.meminfo(files.get("/proc/meminfo"));
        String hostname = host.get("uname.nodename") != null ? host.get("uname.nodename") : header.hostName();
        String kernel = host.get("uname.release") != null ? host.get("uname.release") : header.osVersion();
        Long affinity = HostFiles.number(host.get("cpu.affinity"));
        String load = files.get("/proc/loadavg");
        List<String> hints = containerHints(files);
        return new HostSummary(hostname, kernel, host.get("uname.version"), host.get("uname.machine"),
                host.get("libc.version"), HostFiles.cpuModel(files.get("/proc/cpuinfo")),
                HostFiles.cpuCount(files.get("/sys/devices/system/cpu/online")),
                affinity == null ? null : affinity.intValue(), meminfo.get("MemTotal"), meminfo.get("MemAvailable"),
                load == null ? null : String.join(" ", List.of(load.trim().split("\\s+")).subList(0,
                        Math.min(3, load.trim().split("\\s+").length))),
                cgroup(files), runtime(hints), hints);
    }

    boolean known() {
        return kernel != null || glibc != null || cpuModel != null || memoryTotal != null || cgroup != null;
    }

    /** The cgroup v1 files if the memory controller's are there (hs_err's "cgroupv1"), else v2's, else null. */
    private static Cgroup cgroup(Map<String, String> files) {
        String v1Memory = fileEnding(files, "/memory.limit_in_bytes");
        String v1Quota = fileEnding(files, "/cpu.cfs_quota_us");
        if (v1Memory != null || v1Quota != null) {
            Long quota = HostFiles.number(files.get(v1Quota));
            Long period = HostFiles.number(files.get(fileEnding(files, "/cpu.cfs_period_us")));
            return new Cgroup("v1", HostFiles.v1MemoryLimit(files.get(v1Memory)),
                    HostFiles.number(files.get(fileEnding(files, "/memory.usage_in_bytes"))),
                    HostFiles.v1MemoryLimit(files.get(fileEnding(files, "/memory.memsw.limit_in_bytes"))),
                    HostFiles.cpuLimit(quota, period), quota != null && quota > 0 ? quota : null, period,
                    HostFiles.number(files.get(fileEnding(files, "/cpu.shares"))), null,
                    trimmed(files.get(fileEnding(files, "/cpuset.cpus"))), folder(v1Memory != null ? v1Memory : v1Quota));
        }
        String v2Memory = fileEnding(files, "/memory.max");
        String v2Cpu = fileEnding(files, "/cpu.max");
        if (v2Memory != null || v2Cpu != null) {
            Long[] cpu = HostFiles.v2CpuMax(files.get(v2Cpu));
            return new Cgroup("v2", HostFiles.v2Limit(files.get(v2Memory)),
                    HostFiles.number(files.get(fileEnding(files, "/memory.current"))),
                    HostFiles.v2Limit(files.get(fileEnding(files, "/memory.swap.max"))),
                    HostFiles.cpuLimit(cpu[0], cpu[1]), cpu[0], cpu[1], null,
                    HostFiles.number(files.get(fileEnding(files, "/cpu.weight"))),
                    trimmed(files.get(fileEnding(files, "/cpuset.cpus.effective"))),
                    folder(v2Memory != null ? v2Memory : v2Cpu));
        }
        return null;
    }

    private static String fileEnding(Map<String, String> files, String suffix) {
        for (String path : files.keySet()) {
            if (path.startsWith("/sys/fs/cgroup/") && path.endsWith(suffix)) {
                return path;
            }
        }
        return null;
    }

    private static String folder(String path) {
        return path == null ? null : path.substring(0, path.lastIndexOf('/'));
    }

    private static String trimmed(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }

    /**
     * What says "container": {@code /.dockerenv} (Docker), {@code /run/.containerenv} (Podman; it names the engine),
     * cgroup paths naming kubepods, docker, containerd, libpod or lxc, and an overlay root file system.
     */
    static List<String> containerHints(Map<String, String> files) {
        List<String> hints = new ArrayList<>();
        if (files.containsKey("/.dockerenv")) {
            hints.add("/.dockerenv exists");
        }
        if (files.containsKey("/run/.containerenv")) {
            String engine = null;
            for (String line : files.get("/run/.containerenv").split("\n")) {
                if (line.startsWith("engine=")) {
                    engine = line.substring(7).replace("\"", "");
                }
            }
            hints.add("/run/.containerenv exists" + (engine == null ? "" : " (engine " + engine + ")"));
        }
        for (String file : List.of("/proc/self/cgroup", "/proc/1/cgroup")) {
            String text = files.getOrDefault(file, "").toLowerCase(Locale.ROOT);
            for (String word : List.of("kubepods", "docker", "containerd", "libpod", "lxc")) {
                if (text.contains(word)) {
                    hints.add(file + " names " + word);
                    break;
                }
            }
        }
        String mounts = files.get("/proc/self/mountinfo");
        if (mounts != null) {
            for (String line : mounts.split("\n")) {
                int dash = line.indexOf(" - ");
                String[] after = dash < 0 ? new String[0] : line.substring(dash + 3).split(" ");
                if (after.length > 0 && after[0].equals("overlay")) {
                    hints.add("the root file system is overlay");
                    break;
                }
            }
        }
        return List.copyOf(hints);
    }

    /** The runtime the hints name, most specific first; null when nothing says container. */
    static String runtime(List<String> hints) {
        String all = String.join(" ", hints);
        if (all.contains("kubepods")) {
            return "kubernetes";
        }
        if (all.contains("containerenv") || all.contains("libpod")) {
            return "podman";
        }
        if (all.contains("dockerenv") || all.contains("names docker")) {
            return "docker";
        }
        if (all.contains("containerd")) {
            return "containerd";
        }
        if (all.contains("lxc")) {
            return "lxc";
        }
        return hints.isEmpty() ? null : "unknown (overlay root file system)";
    }
}
