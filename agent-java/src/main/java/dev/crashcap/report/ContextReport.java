package dev.crashcap.report;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Context;
import dev.crashcap.bundle.Hex;
import dev.crashcap.bundle.ThreadInfo;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The human report's context sections, after the crashing thread: CONTEXT (the crashing thread's HotSpot state,
 * the VM summary, the host, the -XX flags not at their default) and MEMORY AT THE CRASH (what each register points
 * into, the top of the stack, the bytes around the pc), where hs_err has them after its thread section. Written
 * through the report's own line helpers.
 */
final class ContextReport {
    /** What HotSpot's state of the crashing thread means, for the states a crash is usually in. */
    private static final Map<String, String> STATES = Map.of(
            "_thread_in_native", "running native code: a JNI method, or a library it called",
            "_thread_in_vm", "inside the JVM itself (a JVM entry point, a JNI function, the runtime)",
            "_thread_in_Java", "running Java code (interpreted or JIT-compiled)",
            "_thread_blocked", "blocked in the JVM (waiting, sleeping, parked)",
            "_thread_in_native_trans", "returning from native code into the JVM",
            "_thread_in_vm_trans", "leaving the JVM",
            "_thread_in_Java_trans", "leaving Java code");

    private final HumanReport report;
    private final Bundle bundle;

    ContextReport(HumanReport report) {
        this.report = report;
        this.bundle = report.bundle;
    }

    /** Both sections; nothing for a capture without context (an older agent) beyond the thread state. */
    void sections() {
        context();
        memory();
    }

    private void context() {
        Context context = bundle.context();
        ThreadInfo crashing = bundle.crashingThread();
        report.heading("CONTEXT");
        String state = crashing == null ? null : crashing.hotspotState();
        report.field("thread state", state == null ? "unknown (not a Java thread HotSpot knows, or not captured)"
                : state + (STATES.containsKey(state) ? " (" + STATES.get(state) + ")" : ""));
        VmSummary vm = VmSummary.of(context);
        if (vm.known()) {
            report.field("VM", vm.line());
            report.field("heap", heap(vm, context));
        } else if (context.flagsProblem() != null) {
            report.field("VM", "flags not read: " + context.flagsProblem());
        }
        HostSummary host = HostSummary.of(context, bundle.header());
        if (host.known()) {
            hostFields(host);
        }
        if (context.isEmpty()) {
            report.line("  (this capture has no VM or host context: an older agent wrote it, or it ends before them)");
            return;
        }
        flags(vm, context);
    }

    private static String heap(VmSummary vm, Context context) {
        StringBuilder text = new StringBuilder();
        append(text, "initial", vm.initialHeap());
        append(text, "min", vm.minHeap());
        append(text, "max", vm.maxHeap());
        if (context.heapStart() != null && context.heapBytes() != null) {
            text.append(text.length() == 0 ? "" : "; ").append("reserved at ").append(Hex.padded(context.heapStart()))
                    .append(" (").append(Sizes.bytes(context.heapBytes())).append(')');
        }
        return text.length() == 0 ? "unknown" : text.toString();
    }

    private static void append(StringBuilder text, String name, Long bytes) {
        if (bytes != null) {
            text.append(text.length() == 0 ? "" : ", ").append(name).append(' ').append(Sizes.bytes(bytes));
        }
    }

    private void hostFields(HostSummary host) {
        report.field("host", ReportText.orUnknown(host.hostname()) + ", " + "Linux " + ReportText.orUnknown(host.kernel())
                + (host.machine() == null ? "" : " " + host.machine())
                + (host.glibc() == null ? "" : ", glibc " + host.glibc()));
        StringBuilder cpu = new StringBuilder(ReportText.orUnknown(host.cpuModel()));
        if (host.cpus() != null) {
            cpu.append(", ").append(host.cpus()).append(" CPUs online");
        }
        if (host.cpusAvailable() != null) {
            cpu.append(", ").append(host.cpusAvailable()).append(" available to the process");
        }
        report.field("CPU", cpu.toString());
        if (host.memoryTotal() != null) {
            report.field("memory", Sizes.bytes(host.memoryTotal()) + " total"
                    + (host.memoryAvailable() == null ? "" : ", " + Sizes.bytes(host.memoryAvailable())
                            + " available at the crash")
                    + (host.loadAverage() == null ? "" : "; load average " + host.loadAverage()));
        }
        HostSummary.Cgroup cgroup = host.cgroup();
        if (cgroup != null) {
            StringBuilder text = new StringBuilder(cgroup.version()).append(", memory limit ")
                    .append(cgroup.memoryLimit() == null ? "none" : Sizes.bytes(cgroup.memoryLimit()));
            if (cgroup.memoryUsage() != null) {
                text.append(" (").append(Sizes.bytes(cgroup.memoryUsage())).append(" in use)");
            }
            text.append(", CPU limit ").append(cgroup.cpuLimit() == null ? "none"
                    : String.format(Locale.ROOT, "%.2f CPUs", cgroup.cpuLimit()));
            if (cgroup.cpuset() != null) {
                text.append(", cpuset ").append(cgroup.cpuset());
            }
            report.field("cgroup", text.toString());
        }
        if (host.container() != null) {
            report.field("container", host.container() + " (" + String.join("; ", host.containerHints()) + ")");
        }
    }

    private void flags(VmSummary vm, Context context) {
        List<Context.Flag> flags = vm.nonDefaultFlags();
        if (flags.isEmpty()) {
            return;
        }
        report.line("");
        report.line("  -XX flags not at their default (" + flags.size()
                + (context.flagsCount() == null ? "" : " of " + Sizes.count(context.flagsCount())) + "), and where their value came from:");
        for (Context.Flag flag : flags) {
            String kind = flag.kind() == null || flag.kind().equals("product") ? "" : ", " + flag.kind();
            report.line(String.format("    %-50s %s", ReportText.shown(asOption(flag)), flag.origin() + kind));
        }
    }

    /** {@code -XX:+UseG1GC}, {@code -XX:MaxHeapSize=268435456}: the flag as it would be given. */
    static String asOption(Context.Flag flag) {
        if ("bool".equals(flag.type())) {
            return "-XX:" + ("true".equals(flag.value()) ? "+" : "-") + flag.name();
        }
        return "-XX:" + flag.name() + "=" + flag.value();
    }

    private void memory() {
        List<RegisterTargets.Target> targets = RegisterTargets.of(bundle);
        Context.MemoryBytes stack = bundle.context().memory("stack");
        Context.MemoryBytes code = bundle.context().memory("pc");
        if (targets.isEmpty() && stack == null && code == null) {
            return;
        }
        report.heading("MEMORY AT THE CRASH");
        if (!targets.isEmpty() && !bundle.context().isEmpty()) {
            report.line("  registers point into:");
            for (RegisterTargets.Target target : targets) {
                report.line(String.format("    %6s=%s  %s", ReportText.shown(target.register()), Hex.padded(target.value()),
                        ReportText.shown(target.text())));
            }
        }
        if (stack != null) {
            report.line("  top of stack (sp=" + Hex.padded(stack.anchor()) + ", " + stack.bytes().length
                    + " bytes, 8-byte words as hs_err shows them):");
            words(stack);
        }
        if (code != null) {
            long before = code.anchor() - code.start();
            report.line("  instructions (pc=" + Hex.padded(code.anchor()) + ", " + before + " bytes before it and "
                    + (code.bytes().length - before) + " from it):");
            for (int i = 0; i < code.bytes().length; i += 16) {
                StringBuilder row = new StringBuilder("    " + Hex.padded(code.start() + i) + ": ");
                int end = Math.min(i + 16, code.bytes().length);
                for (int j = i; j < end; j++) {
                    boolean atPc = code.start() + j == code.anchor();
                    boolean afterPc = code.start() + j - 1 == code.anchor() && j > i;
                    row.append(atPc ? '[' : afterPc ? ']' : ' ').append(String.format("%02x", code.bytes()[j] & 0xff));
                }
                if (code.start() + end - 1 == code.anchor()) {
                    row.append(']');
                }
                report.line(row.toString().stripTrailing());
            }
            report.line("    ([..] is the byte at pc. To disassemble: " + disassembly(code) + ")");
        }
    }

    private void words(Context.MemoryBytes stack) {
        byte[] bytes = stack.bytes();
        for (int i = 0; i + 8 <= bytes.length; i += 16) {
            StringBuilder row = new StringBuilder("    " + Hex.padded(stack.start() + i) + ":  " + word(bytes, i));
            if (i + 16 <= bytes.length) {
                row.append(' ').append(word(bytes, i + 8));
            }
            report.line(row.toString());
        }
    }

    /** An 8-byte little-endian word as 16 hex digits. */
    private static String word(byte[] bytes, int at) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = value << 8 | (bytes[at + i] & 0xff);
        }
        return String.format("%016x", value);
    }

    /** A command that disassembles the bytes at their real addresses (binutils' objdump). */
    String disassembly(Context.MemoryBytes code) {
        String machine = "aarch64".equals(bundle.header().osArch()) ? "aarch64" : "i386:x86-64";
        return "echo " + HexFormat.of().formatHex(code.bytes()) + " | xxd -r -p > code.bin && objdump -D -b binary -m"
                + machine + " --adjust-vma=" + Hex.of(code.start()) + " code.bin";
    }
}
