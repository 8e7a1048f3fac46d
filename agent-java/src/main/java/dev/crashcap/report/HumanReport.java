package dev.crashcap.report;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Crash;
import dev.crashcap.bundle.Frame;
import dev.crashcap.bundle.Header;
import dev.crashcap.bundle.Hex;
import dev.crashcap.bundle.JavaFrame;
import dev.crashcap.bundle.JavaLock;
import dev.crashcap.bundle.LoadedModule;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.bundle.Signals;
import dev.crashcap.bundle.ThreadInfo;
import dev.crashcap.bundle.ThreadLocks;
import dev.crashcap.bundle.ThreadSignal;
import dev.crashcap.bundle.ThreadsSummary;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The report a person reads top down, like hs_err but with the whole native stack: what happened, where, the
 * crashing thread, the process, the other threads, the modules and the environment. Plain text, no colours;
 * every string from the capture is made printable, since a bundle may come from anywhere.
 */
public final class HumanReport {
    private static final String RULE = "=".repeat(78);
    private static final Pattern PLAIN_ARG = Pattern.compile("[A-Za-z0-9_./:=,+@%-]+");
    private static final Map<String, String> UNWIND_STOPS = Map.of(
            "end", "reached the outermost frame",
            "no-module", "the caller is in no loaded module: interpreted or JIT-compiled Java code",
            "no-cfi", "no unwind information for the caller",
            "bad-cfi", "unreadable unwind information",
            "bad-memory", "the stack could not be read further",
            "no-progress", "the unwinder made no progress",
            "max-frames", "the frame limit was reached",
            "deadline", "the capture ran out of time");

    // The letters of /proc/<pid>/task/<tid>/stat, as proc(5) explains them.
    private static final Map<String, String> KERNEL_STATES = Map.of("R", "running", "S", "sleeping",
            "D", "waiting in the kernel, uninterruptible", "T", "stopped", "t", "stopped by a tracer", "Z", "zombie",
            "X", "dead", "I", "idle");

    private final StringBuilder out = new StringBuilder();
    private final Bundle bundle;
    private final String hsErr;
    private final Diagnosis diagnosis;

    private HumanReport(Bundle bundle, String hsErr) {
        this.bundle = bundle;
        this.hsErr = hsErr;
        this.diagnosis = Diagnosis.of(bundle);
    }

    /** The whole report, ending with a newline. */
    public static String render(Bundle bundle, String hsErr) {
        HumanReport report = new HumanReport(bundle, hsErr);
        if (bundle.isSnapshot()) {
            report.snapshot();
            return report.out.toString();
        }
        report.banner();
        report.whatHappened();
        report.where();
        report.crashingThread();
        report.process();
        report.otherThreads();
        report.modules();
        report.environment();
        report.warnings();
        return report.out.toString();
    }

    /** A live snapshot: what was taken when, the deadlocks first, then every thread with its locks. */
    private void snapshot() {
        banner(" A live snapshot of pid " + (bundle.pid() == null ? "unknown" : bundle.pid()) + " taken at "
                + (bundle.crash().timeEpochMillis() == null ? "an unknown time" : BundleJson.time(bundle.crash().timeEpochMillis()))
                + " (crashcap dump); the process went on running");
        heading("SUMMARY");
        field("diagnosis", diagnosis.summary());
        deadlocks();
        heading("THREADS (" + bundle.threads().size() + ")");
        threadsSummary();
        threads(bundle.threads());
        process();
        modules();
        environment();
        warnings();
    }

    /** Each deadlock as its cycle: who waits for which lock, held by whom. */
    private void deadlocks() {
        List<List<String>> deadlocks = bundle.locks() == null ? List.of() : bundle.locks().deadlocks();
        if (deadlocks.isEmpty()) {
            return;
        }
        heading("DEADLOCKS (" + deadlocks.size() + ")");
        for (List<String> cycle : deadlocks) {
            line("  " + Sizes.count(cycle.size()) + " threads wait for each other:");
            for (String name : cycle) {
                ThreadLocks waiter = bundle.locks().threads().stream().filter(t -> t.name().equals(name)).findFirst()
                        .orElse(null);
                line("    " + waitingLine(name, waiter));
            }
        }
    }

    private static String waitingLine(String name, ThreadLocks locks) {
        String who = "\"" + shown(name) + "\"";
        if (locks == null || locks.waitingOn() == null) {
            return who;
        }
        return who + " waits for " + waitedLock(locks);
    }

    /** {@code java.lang.Object@0x1b6d3586, held by "b"}. */
    private static String waitedLock(ThreadLocks locks) {
        return shown(locks.waitingOn().toString())
                + (locks.ownerName() == null ? "" : ", held by \"" + shown(locks.ownerName()) + "\"");
    }

    private void banner() {
        banner(" A fatal error was captured by crashcap");
    }

    private void banner(String title) {
        line(RULE);
        line(title);
        line(RULE);
        if (bundle.directory() != null) {
            line(" bundle: " + shown(bundle.directory().toString()));
        }
        if (bundle.truncated()) {
            line("");
            line(" !! This capture was cut off: the signal handler did not finish writing it (disk full, a second");
            line(" !! fault or its deadline). Shown is what it holds.");
        }
    }

    private void whatHappened() {
        Crash crash = bundle.crash();
        heading("WHAT HAPPENED");
        String signal = Signals.name(crash);
        StringBuilder what = new StringBuilder(signal == null ? "unknown signal" : signal);
        if (crash.signalNumber() != null) {
            what.append(" (signal ").append(crash.signalNumber()).append(')');
        }
        if (crash.signalCodeName() != null || crash.signalCode() != null) {
            what.append(", code ").append(orUnknown(crash.signalCodeName()));
            what.append(crash.signalCode() == null ? "" : " (" + crash.signalCode() + ")");
        }
        if (crash.signalAddress() != null) {
            what.append(", address ").append(Hex.of(crash.signalAddress()));
        }
        if (crash.senderPid() != null) {
            what.append(", sent by pid ").append(crash.senderPid());
        }
        line("  " + shown(what.toString()));
        field("time", crash.timeEpochMillis() == null ? "unknown" : BundleJson.time(crash.timeEpochMillis()));
        field("diagnosis", diagnosis.summary()); // the summary names the kind itself (JSON has it apart)
        if (crash.abortMessage() != null) {
            field("abort message", crash.abortMessage().strip());
        }
        ThreadInfo first = bundle.crashingThread();
        for (ThreadInfo thread : bundle.crashedThreads()) {
            if (thread != first) {
                field("also crashed", "\"" + orUnknown(thread.name()) + "\" (tid " + tid(thread) + "): "
                        + signal(thread.signal()));
            }
        }
    }

    private void where() {
        heading("WHERE");
        ThreadInfo thread = bundle.crashingThread();
        NativeFrame top = thread == null ? null : thread.topNativeFrame();
        JavaFrame compiled = thread == null ? null : Diagnoser.compiledJavaFrame(thread);
        String jit = compiled == null || top == null || top.moduleName() != null ? ""
                : ", in JIT-compiled " + compiled.className() + "." + compiled.method();
        NativeFrame caller = thread == null ? null : abortCaller(thread);
        if (caller != null) {
            field("problematic frame", problematicFrame(caller) + "  (called abort through libc)");
        } else {
            field("problematic frame", top == null ? "unknown" : problematicFrame(top) + jit);
        }
        if (diagnosis.suspectModule() == null) {
            field("suspect module", "none: every frame is in system or JVM code, or the stack is unknown");
            return;
        }
        LoadedModule module = bundle.moduleByPath(diagnosis.suspectModulePath());
        String buildId = module == null || module.buildId() == null ? "unknown" : module.buildId();
        field("suspect module", diagnosis.suspectModule() + "  (" + diagnosis.suspectModulePath()
                + ", build-id " + buildId + ")");
        if (module != null && module.loadedBy() != null && module.loadedBy().javaClass() != null) {
            String jar = module.loadedBy().jar() == null ? "" : " (" + module.loadedBy().jar() + ")";
            field("loaded by", module.loadedBy().javaClass() + jar);
        }
    }

    /**
     * For SIGABRT the innermost frames are libc's abort machinery (raise, abort, malloc_printerr): the frame
     * that matters is the first one outside libc, the code that called abort or freed twice.
     */
    private NativeFrame abortCaller(ThreadInfo thread) {
        if (bundle.crash() == null || !"SIGABRT".equals(bundle.crash().signalName())) return null;
        for (Frame frame : thread.frames()) {
            if (frame instanceof NativeFrame nativeFrame && nativeFrame.moduleName() != null
                    && !SystemModules.isLibc(nativeFrame.moduleName())) {
                return nativeFrame;
            }
        }
        return null;
    }

    /** {@code libx.so+0x11a9  function+0x9}, the form hs_err users look for. */
    private static String problematicFrame(NativeFrame frame) {
        String where = frame.moduleName() == null ? Hex.of(frame.pc()) + " (no module)"
                : frame.moduleName() + (frame.offset() == null ? "" : "+" + Hex.of(frame.offset()));
        return frame.function() == null ? where : where + "  " + function(frame);
    }

    private void crashingThread() {
        ThreadInfo thread = bundle.crashingThread();
        if (thread == null) {
            heading("CRASHING THREAD");
            line("  not in the capture (it was cut off before the thread was written)");
            return;
        }
        heading("CRASHING THREAD " + threadTitle(thread));
        stack(thread, "  ");
        registers(thread.registers());
        stackMapping(thread, "  ");
    }

    /** {@code stack mapping: 0x… - 0x… (1 MiB), 1023.9 KiB in use (sp 0x…)}: how deep the thread was. */
    private void stackMapping(ThreadInfo thread, String indent) {
        if (thread.stack() == null) {
            return;
        }
        StringBuilder text = new StringBuilder(indent + "stack mapping: " + Hex.padded(thread.stack().low()) + " - "
                + Hex.padded(thread.stack().high()) + " (" + Sizes.bytes(thread.stack().size()) + ")");
        if (thread.usedStackBytes() != null) {
            text.append(", ").append(Sizes.bytes(thread.usedStackBytes())).append(" in use (sp ")
                    .append(Hex.of(thread.stackPointer())).append(')');
        }
        line(text.toString());
    }

    /**
     * The frames, innermost first, repeated ones folded; why the native walk stopped goes right after the last
     * native frame, where the Java frames take over.
     */
    private void stack(ThreadInfo thread, String indent) {
        List<Frame> frames = thread.frames();
        if (frames.isEmpty() && thread.missing() == null) {
            line(indent + "(no frames captured)");
        }
        int lastNative = lastNativeFrame(frames);
        boolean stopShown = false;
        for (FrameRuns.Run run : FrameRuns.of(frames)) {
            line(indent + (run.folded() ? foldedRun(frames, run) : "#" + run.first() + "  " + frame(frames.get(run.first()))));
            if (!stopShown && run.last() >= lastNative && lastNative >= 0) {
                walkStop(thread, indent);
                stopShown = true;
            }
        }
        if (!stopShown) {
            walkStop(thread, indent);
        }
        if (thread.missing() != null) {
            line(indent + "missing: " + shown(thread.missing()));
        }
    }

    private static int lastNativeFrame(List<Frame> frames) {
        for (int i = frames.size() - 1; i >= 0; i--) {
            if (frames.get(i) instanceof NativeFrame) {
                return i;
            }
        }
        return -1;
    }

    private void walkStop(ThreadInfo thread, String indent) {
        if (thread.unwindStop() != null) {
            String meaning = UNWIND_STOPS.get(thread.unwindStop());
            line(indent + "(native walk stopped: " + shown(thread.unwindStop())
                    + (meaning == null ? "" : ", " + meaning) + ")");
        } else if (!thread.frames().isEmpty()) {
            line(indent + "(the stack may be incomplete: the capture ends before the walk did)");
        }
    }

    /**
     * {@code #12-#21855  crashcaptest_recurse (libcrashcaptest.so) ×21,844}, or for a cycle
     * {@code #3-#14  (a (libx.so) → b (libx.so)) ×6}: one line for what a stack overflow repeats thousands of times.
     */
    private static String foldedRun(List<Frame> frames, FrameRuns.Run run) {
        StringBuilder cycle = new StringBuilder();
        for (int k = 0; k < run.period(); k++) {
            cycle.append(k == 0 ? "" : " → ").append(shortFrame(frames.get(run.first() + k)));
        }
        String repeated = run.period() == 1 ? cycle.toString() : "(" + cycle + ")";
        return "#" + run.first() + "-#" + run.last() + "  " + repeated + " ×" + Sizes.count(run.repeats());
    }

    /** A frame without its addresses: frames of one function at different call sites fold together. */
    private static String shortFrame(Frame frame) {
        if (frame instanceof NativeFrame nativeFrame && nativeFrame.function() != null) {
            return shown(nativeFrame.function()) + " (" + shown(orUnknown(nativeFrame.moduleName())) + ")";
        }
        return frame(frame);
    }

    /**
     * {@code 0x… in function+0x9 (libx.so+0x11a9) at x.c:42}, {@code at com.example.Foo.bar(line 42)} or
     * {@code at com.example.Foo.poll(native method)}.
     */
    private static String frame(Frame frame) {
        if (frame instanceof JavaFrame javaFrame) {
            String line = javaFrame.nativeMethod() ? "native method"
                    : javaFrame.line() == null ? "unknown line" : "line " + javaFrame.line();
            return shown("at " + javaFrame.className() + "." + javaFrame.method() + "(" + line + ")");
        }
        NativeFrame nativeFrame = (NativeFrame) frame;
        String function = nativeFrame.function() == null ? "??" : function(nativeFrame);
        String module = nativeFrame.moduleName() == null ? "no module"
                : shown(nativeFrame.moduleName())
                        + (nativeFrame.offset() == null ? "" : "+" + Hex.of(nativeFrame.offset()));
        String source = nativeFrame.fileName() == null || nativeFrame.line() == null ? ""
                : " at " + shown(nativeFrame.fileName()) + ":" + nativeFrame.line();
        return Hex.padded(nativeFrame.pc()) + " in " + function + " (" + module + ")" + source;
    }

    private static String function(NativeFrame frame) {
        String offset = frame.functionOffset() == null ? "" : "+" + Hex.of(frame.functionOffset());
        return shown(frame.function()) + offset;
    }

    private void registers(Map<String, Long> registers) {
        if (registers.isEmpty()) {
            return;
        }
        line("  registers:");
        StringBuilder row = new StringBuilder("   ");
        int inRow = 0;
        for (Map.Entry<String, Long> register : registers.entrySet()) {
            row.append(String.format(" %6s=%s", shown(register.getKey()), Hex.padded(register.getValue())));
            if (++inRow == 3) {
                line(row.toString());
                row.setLength(3);
                inRow = 0;
            }
        }
        if (inRow > 0) {
            line(row.toString());
        }
    }

    private void process() {
        Header header = bundle.header();
        Crash crash = bundle.crash();
        heading("PROCESS");
        field("pid", bundle.pid() == null ? "unknown" : bundle.pid().toString());
        field("started", header.startEpochMillis() == null ? "unknown" : BundleJson.time(header.startEpochMillis()));
        field("uptime", crash.uptimeMillis() == null ? "unknown" : crash.uptimeMillis() + " ms");
        field("JVM", orUnknown(header.jvmName()) + " " + orUnknown(header.jvmVersion()) + " ("
                + orUnknown(header.jvmVendor()) + "), java " + orUnknown(header.javaVersion()));
        field("java.home", orUnknown(header.javaHome()));
        field("OS", orUnknown(header.osName()) + " " + orUnknown(header.osArch()));
        field("command line", header.args().isEmpty() ? "unknown" : commandLine(header.args()));
        field("cwd", orUnknown(header.cwd()));
        field("agent", "crashcap " + orUnknown(header.agentVersion()) + ", options: "
                + (header.agentOptions() == null ? "none" : header.agentOptions()));
        if (!bundle.isSnapshot()) {
            field("hs_err", hsErr != null ? hsErr : "not found" + hsErrHint());
        }
    }

    // HotSpot has no SIGABRT handler: after an abort, a missing hs_err is expected, not a lookup failure.
    private String hsErrHint() {
        boolean abort = diagnosis.kind() == Diagnosis.Kind.ABORT || diagnosis.kind() == Diagnosis.Kind.HEAP_CORRUPTION;
        return abort ? " (HotSpot writes none when the process calls abort())" : "";
    }

    /** The arguments as a shell would need them, so the line can be copied. */
    private static String commandLine(List<String> args) {
        StringBuilder line = new StringBuilder();
        for (String arg : args) {
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(PLAIN_ARG.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return line.toString();
    }

    /**
     * Every other thread: those that crashed too first, each with its signal; then the rest, where threads with the
     * same state and the same stack (a pool of idle workers) are printed once with all their names, so a report
     * on a process with thousands of threads stays readable.
     */
    private void otherThreads() {
        ThreadInfo crashing = bundle.crashingThread();
        List<ThreadInfo> others = bundle.threads().stream().filter(thread -> thread != crashing).toList();
        heading("OTHER THREADS (" + others.size() + ")");
        threadsSummary();
        threads(others);
    }

    private void threads(List<ThreadInfo> threads) {
        for (ThreadInfo thread : threads) {
            if (thread.crashed()) {
                line("");
                line("  " + threadTitle(thread));
                line("    crashed too: " + signal(thread.signal()));
                stack(thread, "    ");
                stackMapping(thread, "    ");
            }
        }
        List<ThreadInfo> rest = threads.stream().filter(thread -> !thread.crashed()).toList();
        for (List<ThreadInfo> group : ThreadGroups.of(rest, bundle::locksOf)) {
            line("");
            if (group.size() == 1) {
                line("  " + threadTitle(group.get(0)));
            } else {
                sameStackTitle(group);
            }
            javaLocks(bundle.locksOf(group.get(0)));
            stack(group.get(0), "    ");
        }
    }

    /** {@code holds java.lang.Object@0x1b6d3586}, {@code waits for … held by "b"}: a snapshot's Java locks. */
    private void javaLocks(ThreadLocks locks) {
        if (locks == null) {
            return;
        }
        for (JavaLock lock : locks.held()) {
            line("    holds " + shown(lock.toString()));
        }
        if (locks.waitingOn() != null) {
            line("    waits for " + waitedLock(locks));
        }
    }

    /** {@code 1,012 threads in the process, 1,010 answered within the 500 ms deadline; captured in 42.1 ms}. */
    private void threadsSummary() {
        ThreadsSummary summary = bundle.threadsSummary();
        StringBuilder text = new StringBuilder();
        if (summary.total() != null) {
            text.append(Sizes.count(summary.total())).append(" threads in the process");
        }
        if (summary.answered() != null) {
            text.append(text.length() == 0 ? "" : ", ").append(Sizes.count(summary.answered())).append(" answered");
            text.append(summary.deadlineMillis() == null ? "" : " within the " + summary.deadlineMillis() + " ms deadline");
        }
        if (bundle.captureMicros() != null) {
            text.append(text.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT,
                    "captured in %.1f ms (signal to bundle on disk)", bundle.captureMicros() / 1000.0));
        }
        if (text.length() > 0) {
            line("  " + text);
        }
    }

    /** {@code 2 threads with the same stack (Java threads, WAITING, kernel S sleeping):} and their names. */
    private void sameStackTitle(List<ThreadInfo> group) {
        ThreadInfo first = group.get(0);
        line("  " + Sizes.count(group.size()) + " threads with the same stack (" + (first.java() ? "Java" : "native")
                + " threads" + states(first) + "):");
        StringBuilder names = new StringBuilder("    ");
        for (int i = 0; i < group.size(); i++) {
            String name = "\"" + shown(orUnknown(group.get(i).name())) + "\" (tid " + tid(group.get(i)) + ")"
                    + (i + 1 < group.size() ? "," : "");
            if (names.length() > 4 && names.length() + name.length() > 110) {
                line(names.toString());
                names.setLength(4);
            }
            names.append(names.length() > 4 ? " " : "").append(name);
        }
        line(names.toString());
    }

    private static String threadTitle(ThreadInfo thread) {
        return "\"" + shown(orUnknown(thread.name())) + "\" (tid " + tid(thread)
                + (thread.java() ? ", Java thread" : ", native thread") + states(thread)
                + (thread.crashed() ? ", crashed" : "") + ")";
    }

    private static String tid(ThreadInfo thread) {
        return thread.tid() == null ? "?" : thread.tid().toString();
    }

    /** {@code , WAITING, kernel S sleeping}: the Java state where there is one, and the kernel's. */
    private static String states(ThreadInfo thread) {
        String java = thread.state() == null ? "" : ", " + shown(thread.state());
        if (thread.kernelState() == null) {
            return java;
        }
        String meaning = KERNEL_STATES.get(thread.kernelState());
        return java + ", kernel " + shown(thread.kernelState()) + (meaning == null ? "" : " " + meaning);
    }

    /** {@code SIGSEGV (SEGV_MAPERR) at 0x10}. */
    private static String signal(ThreadSignal signal) {
        if (signal == null) {
            return "signal unknown";
        }
        String name = signal.name() != null ? signal.name()
                : signal.number() == null ? "unknown signal" : "signal " + signal.number();
        return shown(name + (signal.codeName() == null ? "" : " (" + signal.codeName() + ")")
                + (signal.address() == null ? "" : " at " + Hex.of(signal.address())));
    }

    private void modules() {
        heading("MODULES (" + bundle.modules().size() + ")");
        if (bundle.modules().isEmpty()) {
            line(bundle.truncated() ? "  (the capture was cut off before the module list)" : "  (none recorded)");
            return;
        }
        line(String.format("  %-18s  %10s  %-40s  %s", "base", "size", "build-id", "path"));
        for (LoadedModule module : bundle.modules()) {
            line(String.format("  %-18s  %10d  %-40s  %s", Hex.padded(module.base()), module.size(),
                    module.buildId() == null ? "-" : shown(module.buildId()), shown(module.path())));
        }
    }

    private void environment() {
        heading("ENVIRONMENT (" + bundle.header().env().size() + ", secret-looking values redacted at capture)");
        bundle.header().env().forEach((name, value) -> line("  " + shown(name) + "=" + shown(value)));
    }

    private void warnings() {
        if (bundle.warnings().isEmpty()) {
            return;
        }
        heading("WARNINGS (what the reader skipped)");
        bundle.warnings().forEach(warning -> line("  " + shown(warning)));
    }

    private void heading(String title) {
        line("");
        line(title);
    }

    private void field(String name, String value) {
        line(String.format("  %-18s %s", name + ":", shown(value)));
    }

    private void line(String text) {
        out.append(text).append('\n');
    }

    private static String orUnknown(String value) {
        return value == null ? "unknown" : value;
    }

    /**
     * Control characters escaped: values come from a crashed process (or a damaged file) and must neither
     * break lines nor send escape sequences to the reader's terminal.
     */
    static String shown(String text) {
        StringBuilder shown = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                shown.append("\\n");
            } else if (c == '\t') {
                shown.append("\\t");
            } else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
                shown.append(String.format("\\x%02x", (int) c));
            } else {
                shown.append(c);
            }
        }
        return shown.toString();
    }
}
