package dev.crashcap.report;

import static dev.crashcap.report.ReportText.RULE;
import static dev.crashcap.report.ReportText.commandLine;
import static dev.crashcap.report.ReportText.foldedRun;
import static dev.crashcap.report.ReportText.frame;
import static dev.crashcap.report.ReportText.orUnknown;
import static dev.crashcap.report.ReportText.shown;
import static dev.crashcap.report.ReportText.signal;
import static dev.crashcap.report.ReportText.states;
import static dev.crashcap.report.ReportText.threadTitle;
import static dev.crashcap.report.ReportText.tid;
import static dev.crashcap.report.ReportText.waitedLock;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Crash;
import dev.crashcap.bundle.Frame;
import dev.crashcap.bundle.Header;
import dev.crashcap.bundle.Hex;
import dev.crashcap.bundle.JavaFrame;
import dev.crashcap.bundle.JavaLock;
import dev.crashcap.bundle.LoadedModule;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.bundle.ThreadInfo;
import dev.crashcap.bundle.ThreadLocks;
import dev.crashcap.bundle.ThreadsSummary;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report a person reads top down, like hs_err but with the whole native stack. Two renderers share this
 * base: {@link CrashReport} (what happened, where, the crashing thread, the process, the other threads, the
 * modules, the environment) and {@link SnapshotReport} (a live dump: deadlocks first, every thread with its locks).
 * Here are the sections both write; {@link ReportText} writes the single items. Plain text, no colours; every
 * string from the capture is made printable, since a bundle may come from anywhere.
 */
public abstract class HumanReport {
    private static final Map<String, String> UNWIND_STOPS = Map.of(
            "end", "reached the outermost frame",
            "no-module", "the caller is in no loaded module: interpreted or JIT-compiled Java code",
            "no-cfi", "no unwind information for the caller",
            "bad-cfi", "unreadable unwind information",
            "bad-memory", "the stack could not be read further",
            "no-progress", "the unwinder made no progress",
            "max-frames", "the frame limit was reached",
            "deadline", "the capture ran out of time");

    /** The most lines {@link #brief} writes. */
    public static final int BRIEF_LINES = 40;

    final StringBuilder out = new StringBuilder();
    final Bundle bundle;
    boolean allEnvironment; // inspect --env: every variable, not only those a JVM engineer needs
    final Diagnosis diagnosis;

    HumanReport(Bundle bundle) {
        this.bundle = bundle;
        this.diagnosis = Diagnosis.of(bundle);
    }

    /** The whole report, ending with a newline: a crash's ({@link CrashReport}) or a live snapshot's. */
    public static String render(Bundle bundle, String hsErr) {
        return render(bundle, hsErr, null, false);
    }

    /**
     * The same; with {@code allEnvironment}, every environment variable instead of those a JVM engineer needs
     * ({@link EnvironmentSubset}).
     */
    public static String render(Bundle bundle, String hsErr, boolean allEnvironment) {
        return render(bundle, hsErr, null, allEnvironment);
    }

    /**
     * The whole report, with the history of the crash's signature in its folder ({@code inspect} reads it; null:
     * the signature of {@code bundle}, no history).
     */
    public static String render(Bundle bundle, String hsErr, SignatureHistory history) {
        return render(bundle, hsErr, history, false);
    }

    /** The whole report, with the signature's history and, with {@code allEnvironment}, every environment variable. */
    public static String render(Bundle bundle, String hsErr, SignatureHistory history, boolean allEnvironment) {
        HumanReport report = bundle.isSnapshot() ? new SnapshotReport(bundle) : new CrashReport(bundle, hsErr, history);
        report.allEnvironment = allEnvironment;
        report.sections();
        return report.out.toString();
    }

    /**
     * The short report ({@code inspect --brief}), at most {@value #BRIEF_LINES} lines: for a crash, what happened,
     * where, the suspect and its loader, the crashing thread's frames ({@link BriefReport}); for a live snapshot,
     * the start of its report (summary and deadlocks come first).
     */
    public static String brief(Bundle bundle) {
        return brief(bundle, null);
    }

    /** {@link #brief(Bundle)} with the history of the crash's signature, as {@link #render(Bundle, String, SignatureHistory)}. */
    public static String brief(Bundle bundle, SignatureHistory history) {
        if (!bundle.isSnapshot()) {
            return new BriefReport(bundle, history).text();
        }
        HumanReport report = new SnapshotReport(bundle);
        report.sections();
        return capped(report.out.toString(), BRIEF_LINES);
    }

    /** The text cut to {@code max} lines, the last one saying how many were left out. */
    static String capped(String text, int max) {
        String[] lines = text.split("\n", -1);
        int count = text.endsWith("\n") ? lines.length - 1 : lines.length;
        if (count <= max) {
            return text;
        }
        StringBuilder kept = new StringBuilder();
        for (int i = 0; i < max - 1; i++) {
            kept.append(lines[i]).append('\n');
        }
        kept.append("  … ").append(count - max + 1)
                .append(" more lines: crashcap inspect without --brief shows all\n");
        return kept.toString();
    }

    /** Writes the report's sections, top down, into {@link #out}. */
    abstract void sections();

    void banner(String title) {
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

    /** {@code stack mapping: 0x… - 0x… (1 MiB), 1023.9 KiB in use (sp 0x…)}: how deep the thread was. */
    void stackMapping(ThreadInfo thread, String indent) {
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
    void stack(ThreadInfo thread, String indent) {
        List<Frame> frames = thread.frames();
        if (frames.isEmpty() && thread.missing() == null) {
            line(indent + "(no frames captured)");
        }
        int lastNative = lastNativeFrame(frames);
        boolean stopShown = false;
        for (FrameRuns.Run run : FrameRuns.of(frames)) {
            line(indent + (run.folded() ? foldedRun(frames, run) : "#" + run.first() + "  " + frame(frames.get(run.first()))));
            mountPoint(thread, frames.get(run.last()), indent);
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

    /**
     * On a carrier with a virtual thread mounted, the frame where the virtual thread was mounted
     * ({@code Continuation.enterSpecial}) ends the virtual thread's frames: the ones below are the carrier's.
     */
    private void mountPoint(ThreadInfo thread, Frame frame, String indent) {
        if (thread.virtualThread() != null && frame instanceof JavaFrame java
                && "jdk.internal.vm.Continuation".equals(java.className()) && "enterSpecial".equals(java.method())) {
            line(indent + "(above: virtual thread " + shown(thread.virtualThread().describe())
                    + "; below: its carrier \"" + shown(String.valueOf(thread.name())) + "\")");
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

    void process() {
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
    }

    void threads(List<ThreadInfo> threads) {
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
    void threadsSummary() {
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

    void modules() {
        heading("MODULES (" + bundle.modules().size() + ")");
        if (bundle.modules().isEmpty()) {
            line(bundle.truncated() ? "  (the capture was cut off before the module list)" : "  (none recorded)");
            return;
        }
        line(String.format("  %-18s  %10s  %-40s  %s", "base", "size", "build-id", "path"));
        for (LoadedModule module : bundle.modules()) {
            line(String.format("  %-18s  %10d  %-40s  %s", Hex.padded(module.base()), module.size(),
                    module.buildId() == null ? "-" : shown(module.buildId()),
                    shown(module.path()) + (module.deleted() ? "  [deleted while mapped]" : "")));
        }
    }

    /** The variables a JVM engineer needs and every redacted one ({@link EnvironmentSubset}); all with --env. */
    void environment() {
        Map<String, String> env = bundle.header().env();
        Map<String, String> shownEnv = allEnvironment ? env : EnvironmentSubset.of(env);
        String which = allEnvironment || shownEnv.size() == env.size() ? String.valueOf(env.size())
                : shownEnv.size() + " of " + env.size() + ": those a JVM engineer needs and the redacted ones; --env shows all";
        heading("ENVIRONMENT (" + which + ", secret-looking values redacted at capture)");
        shownEnv.forEach((name, value) -> line("  " + shown(name) + "=" + shown(value)));
    }

    void warnings() {
        if (bundle.warnings().isEmpty()) {
            return;
        }
        heading("WARNINGS (what the reader skipped)");
        bundle.warnings().forEach(warning -> line("  " + shown(warning)));
    }

    void heading(String title) {
        line("");
        line(title);
    }

    void field(String name, String value) {
        line(String.format("  %-18s %s", name + ":", shown(value)));
    }

    void line(String text) {
        out.append(text).append('\n');
    }
}
