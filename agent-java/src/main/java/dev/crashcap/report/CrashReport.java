package dev.crashcap.report;

import static dev.crashcap.report.ReportText.orUnknown;
import static dev.crashcap.report.ReportText.problematicFrame;
import static dev.crashcap.report.ReportText.shown;
import static dev.crashcap.report.ReportText.signal;
import static dev.crashcap.report.ReportText.threadTitle;
import static dev.crashcap.report.ReportText.tid;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Crash;
import dev.crashcap.bundle.Frame;
import dev.crashcap.bundle.Hex;
import dev.crashcap.bundle.JavaFrame;
import dev.crashcap.bundle.LoadedModule;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.bundle.Signals;
import dev.crashcap.bundle.ThreadInfo;
import java.util.List;
import java.util.Map;

/** The human report of a crash: what happened and where first, then the threads, the process and the modules. */
class CrashReport extends HumanReport {
    private final String hsErr;
    final SignatureHistory history;

    CrashReport(Bundle bundle, String hsErr) {
        this(bundle, hsErr, null);
    }

    /** {@code history} null: the bundle's own signature, no history. */
    CrashReport(Bundle bundle, String hsErr, SignatureHistory history) {
        super(bundle);
        this.hsErr = hsErr;
        this.history = history != null ? history : SignatureHistory.none(Signature.of(bundle));
    }

    @Override
    void sections() {
        banner(" A fatal error was captured by crashcap");
        whatHappened();
        where();
        crashingThread();
        new ContextReport(this).sections(); // CONTEXT, MEMORY AT THE CRASH
        process();
        otherThreads();
        modules();
        environment();
        warnings();
        hints();
    }

    /** What to try next, last: one short section ({@link Hints}). */
    void hints() {
        DiagnosisText.hints(Hints.of(bundle, diagnosis, history)).forEach(this::line);
    }

    void whatHappened() {
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
            what.append(crash.senderUid() == null ? "" : " (uid " + crash.senderUid() + ")");
        }
        line("  " + shown(what.toString()));
        if (crash.forkOf() != null) {
            field("forked from", "pid " + crash.forkOf() + ", the JVM crashcap armed: this is a child it forked (before "
                    + "exec), with only the thread that forked");
        }
        if (crash.fdsExhausted() != null) {
            field("descriptors", "process".equals(crash.fdsExhausted())
                    ? "all in use (limit " + (crash.fdLimit() == null ? "unknown" : crash.fdLimit()) + ", ulimit -n)"
                    : "the system's file table was full");
        }
        ThreadInfo crashing = bundle.crashingThread();
        if (crashing != null && crashing.virtualThread() != null) {
            field("thread", "virtual thread " + shown(crashing.virtualThread().describe()) + " on carrier \""
                    + shown(orUnknown(crashing.name())) + "\" (tid " + tid(crashing) + ")");
        }
        field("time", crash.timeEpochMillis() == null ? "unknown" : BundleJson.time(crash.timeEpochMillis()));
        field("diagnosis", diagnosis.summary()); // the summary names the kind itself (JSON has it apart)
        String jvmError = JvmErrorLine.of(hsErr);
        if (jvmError != null) {
            field("hs_err says", jvmError);
        }
        field("signature", DiagnosisText.signature(history.signature()));
        String abortMessage = AbortMessage.of(crash);
        if (abortMessage != null) {
            field("abort message", abortMessage.strip());
        }
        ThreadInfo first = bundle.crashingThread();
        for (ThreadInfo thread : bundle.crashedThreads()) {
            if (thread != first) {
                field("also crashed", "\"" + orUnknown(thread.name()) + "\" (tid " + tid(thread) + "): "
                        + signal(thread.signal()));
            }
        }
    }

    void where() {
        heading("WHERE");
        ThreadInfo thread = bundle.crashingThread();
        NativeFrame top = thread == null ? null : thread.topNativeFrame();
        JavaFrame compiled = thread == null ? null : Diagnoser.compiledJavaFrame(thread);
        String jit = compiled == null || top == null || top.moduleName() != null ? ""
                : ", in JIT-compiled " + compiled.className() + "." + compiled.method();
        NativeFrame caller = thread == null ? null : abortCaller(thread);
        if (diagnosis.kind() == Diagnosis.Kind.EXTERNAL_SIGNAL) { // where the signal landed is no crash site
            field("problematic frame", "none: the signal was sent by another process");
            field("suspect module", "none");
            return;
        }
        if (caller != null) {
            field("problematic frame", problematicFrame(caller) + "  (called abort through libc)");
        } else {
            field("problematic frame", top == null ? "unknown" : problematicFrame(top) + jit);
        }
        DiagnosisText.javaCaller(diagnosis).forEach(this::line);
        if (diagnosis.suspectModule() == null) {
            field("suspect module", diagnosis.javaCaller() != null ? "none: the native code called is system code"
                    : "none: every frame is in system or JVM code, or the stack is unknown");
            return;
        }
        if (!diagnosis.suspects().isEmpty()) {
            DiagnosisText.suspects(diagnosis).forEach(this::line);
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
     * For SIGABRT the innermost frames are libc's abort machinery (raise, abort, malloc_printerr) and, for an
     * uncaught C++ exception, the C++ runtime's (std::terminate, __cxa_throw): the frame that matters is the first
     * one outside both, the code that called abort, freed twice or threw.
     */
    private NativeFrame abortCaller(ThreadInfo thread) {
        if (bundle.crash() == null || !"SIGABRT".equals(bundle.crash().signalName())) return null;
        return SystemModules.firstOutsideLibcAndCxxRuntime(thread);
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

    /** The process, and where HotSpot's own report is. */
    @Override
    void process() {
        super.process();
        field("hs_err", hsErr != null ? hsErr : "not found" + hsErrHint());
    }

    // HotSpot has no SIGABRT handler: after an abort, a missing hs_err is expected, not a lookup failure.
    private String hsErrHint() {
        boolean abort = diagnosis.kind() == Diagnosis.Kind.ABORT && Diagnoser.jvmFatalError(bundle.crashingThread()) == null
                || diagnosis.kind() == Diagnosis.Kind.HEAP_CORRUPTION;
        return abort ? " (HotSpot writes none when the process calls abort())" : "";
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
}
