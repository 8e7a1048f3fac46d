package dev.crashcap.report;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Context;
import dev.crashcap.bundle.Hex;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code context} object of {@code inspect --json} (docs/bundle-format.md, "Context"). */
final class ContextJson {
    private ContextJson() {
    }

    static Map<String, Object> of(Bundle bundle) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("vm", vm(bundle.context()));
        json.put("host", host(HostSummary.of(bundle.context(), bundle.header())));
        json.put("memory", bundle.isSnapshot() ? null : memory(bundle));
        return json;
    }

    private static Map<String, Object> vm(Context context) {
        VmSummary vm = VmSummary.of(context);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("summary", vm.known() ? vm.line() : null);
        json.put("mode", vm.mode());
        json.put("gc", vm.gc());
        json.put("jit", vm.jit());
        json.put("tiered", vm.tiered());
        json.put("sharing", vm.sharing());
        json.put("compressedOops", vm.compressedOops());
        json.put("compressedClassPointers", vm.compressedClassPointers());
        Map<String, Object> heap = new LinkedHashMap<>();
        heap.put("initialBytes", vm.initialHeap());
        heap.put("minBytes", vm.minHeap());
        heap.put("maxBytes", vm.maxHeap());
        heap.put("reservedAddress", context.heapStart() == null ? null : Hex.of(context.heapStart()));
        heap.put("reservedBytes", context.heapBytes());
        json.put("heap", heap);
        json.put("flagCount", context.flagsCount());
        json.put("flagsProblem", context.flagsProblem());
        List<Map<String, Object>> flags = new ArrayList<>();
        for (Context.Flag flag : vm.nonDefaultFlags()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("name", flag.name());
            item.put("type", flag.type());
            item.put("kind", flag.kind());
            item.put("origin", flag.origin());
            item.put("value", flag.value());
            item.put("option", ContextReport.asOption(flag));
            flags.add(item);
        }
        json.put("flags", flags);
        return json;
    }

    private static Map<String, Object> host(HostSummary host) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("hostname", host.hostname());
        json.put("kernel", host.kernel());
        json.put("kernelVersion", host.kernelVersion());
        json.put("machine", host.machine());
        json.put("glibc", host.glibc());
        json.put("cpuModel", host.cpuModel());
        json.put("cpus", host.cpus());
        json.put("cpusAvailable", host.cpusAvailable());
        json.put("memoryTotalBytes", host.memoryTotal());
        json.put("memoryAvailableBytes", host.memoryAvailable());
        json.put("loadAverage", host.loadAverage());
        HostSummary.Cgroup cgroup = host.cgroup();
        if (cgroup == null) {
            json.put("cgroup", null);
        } else {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("version", cgroup.version());
            item.put("path", cgroup.path());
            item.put("memoryLimitBytes", cgroup.memoryLimit());
            item.put("memoryUsageBytes", cgroup.memoryUsage());
            item.put("memorySwapLimitBytes", cgroup.memorySwapLimit());
            item.put("cpuLimit", cgroup.cpuLimit());
            item.put("cpuQuotaMicros", cgroup.cpuQuota());
            item.put("cpuPeriodMicros", cgroup.cpuPeriod());
            item.put("cpuShares", cgroup.cpuShares());
            item.put("cpuWeight", cgroup.cpuWeight());
            item.put("cpuset", cgroup.cpuset());
            json.put("cgroup", item);
        }
        json.put("container", host.container());
        json.put("containerHints", host.containerHints());
        return json;
    }

    private static Map<String, Object> memory(Bundle bundle) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("stack", bytes(bundle.context().memory("stack"), "sp"));
        Map<String, Object> code = bytes(bundle.context().memory("pc"), "pc");
        if (code != null) {
            Context.MemoryBytes pc = bundle.context().memory("pc");
            code.put("before", pc.anchor() - pc.start());
        }
        json.put("instructions", code);
        List<Map<String, Object>> registers = new ArrayList<>();
        if (!bundle.context().isEmpty()) {
            for (RegisterTargets.Target target : RegisterTargets.of(bundle)) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("register", target.register());
                item.put("value", Hex.of(target.value()));
                item.put("kind", target.kind());
                item.put("pointsTo", target.text());
                registers.add(item);
            }
        }
        json.put("registers", registers);
        return json;
    }

    private static Map<String, Object> bytes(Context.MemoryBytes memory, String anchorName) {
        if (memory == null) {
            return null;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put(anchorName, Hex.of(memory.anchor()));
        json.put("address", Hex.of(memory.start()));
        json.put("bytes", HexFormat.of().formatHex(memory.bytes()));
        return json;
    }
}
