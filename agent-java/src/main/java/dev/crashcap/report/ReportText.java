package dev.crashcap.report;

import dev.crashcap.bundle.Frame;
import dev.crashcap.bundle.Hex;
import dev.crashcap.bundle.JavaFrame;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.bundle.ThreadInfo;
import dev.crashcap.bundle.ThreadLocks;
import dev.crashcap.bundle.ThreadSignal;
import dev.crashcap.symbols.Demangler;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How the human reports write one thing: a frame, a thread's title, a signal, a command line, any value from the
 * capture made printable. Static and stateless, shared by {@link CrashReport} and {@link SnapshotReport}.
 */
final class ReportText {
    static final String RULE = "=".repeat(78);
    private static final Pattern PLAIN_ARG = Pattern.compile("[A-Za-z0-9_./:=,+@%-]+");

    // The letters of /proc/<pid>/task/<tid>/stat, as proc(5) explains them.
    private static final Map<String, String> KERNEL_STATES = Map.of("R", "running", "S", "sleeping",
            "D", "waiting in the kernel, uninterruptible", "T", "stopped", "t", "stopped by a tracer", "Z", "zombie",
            "X", "dead", "I", "idle");

    private ReportText() {
    }

    /** {@code libx.so+0x11a9  function+0x9}, the form hs_err users look for. */
    static String problematicFrame(NativeFrame frame) {
        String where = frame.moduleName() == null ? Hex.of(frame.pc()) + " (no module)"
                : frame.moduleName() + (frame.offset() == null ? "" : "+" + Hex.of(frame.offset()));
        return frame.function() == null ? where : where + "  " + function(frame);
    }

    /**
     * {@code #12-#21855  crashcaptest_recurse (libcrashcaptest.so) ×21,844}, or for a cycle
     * {@code #3-#14  (a (libx.so) → b (libx.so)) ×6}: one line for what a stack overflow repeats thousands of times.
     */
    static String foldedRun(List<Frame> frames, FrameRuns.Run run) {
        StringBuilder cycle = new StringBuilder();
        for (int k = 0; k < run.period(); k++) {
            cycle.append(k == 0 ? "" : " → ").append(shortFrame(frames.get(run.first() + k)));
        }
        String repeated = run.period() == 1 ? cycle.toString() : "(" + cycle + ")";
        return "#" + run.first() + "-#" + run.last() + "  " + repeated + " ×" + Sizes.count(run.repeats());
    }

    /** A frame without its addresses: frames of one function at different call sites fold together. */
    static String shortFrame(Frame frame) {
        if (frame instanceof NativeFrame nativeFrame && nativeFrame.function() != null) {
            return shown(Demangler.of(nativeFrame.function())) + " (" + shown(orUnknown(nativeFrame.moduleName())) + ")";
        }
        if (frame instanceof JavaFrame javaFrame) {
            return shown(javaFrame.javaStyle());
        }
        return frame(frame);
    }

    /**
     * {@code 0x… in function+0x9 (libx.so+0x11a9) at x.c:42}, {@code at com.example.Foo.bar(Foo.java:42)} or
     * {@code at com.example.Foo.poll(Native Method)}; a Java frame with how it ran and its bytecode index where the
     * walk knows them ({@code [c2, bci 12]}, {@code [interpreted, bci 3]}, {@code [inlined]}).
     */
    static String frame(Frame frame) {
        if (frame instanceof JavaFrame javaFrame) {
            return shown(javaFrame.javaStyle()) + javaDetail(javaFrame);
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

    private static String javaDetail(JavaFrame frame) {
        List<String> parts = new java.util.ArrayList<>();
        if (frame.walkKind() != null && !frame.nativeMethod()) {
            parts.add(frame.walkKind());
        }
        if (frame.bci() != null) {
            parts.add("bci " + frame.bci());
        }
        return parts.isEmpty() ? "" : "  [" + String.join(", ", parts) + "]";
    }

    static String function(NativeFrame frame) {
        String offset = frame.functionOffset() == null ? "" : "+" + Hex.of(frame.functionOffset());
        return shown(Demangler.of(frame.function())) + offset;
    }

    /** The arguments as a shell would need them, so the line can be copied. */
    static String commandLine(List<String> args) {
        StringBuilder line = new StringBuilder();
        for (String arg : args) {
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(PLAIN_ARG.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return line.toString();
    }

    /** {@code java.lang.Object@0x1b6d3586, held by "b"}. */
    static String waitedLock(ThreadLocks locks) {
        return shown(locks.waitingOn().toString())
                + (locks.ownerName() == null ? "" : ", held by \"" + shown(locks.ownerName()) + "\"");
    }

    static String threadTitle(ThreadInfo thread) {
        return "\"" + shown(orUnknown(thread.name())) + "\" (tid " + tid(thread)
                + (thread.java() ? ", Java thread" : ", native thread")
                + (Boolean.TRUE.equals(thread.daemon()) ? ", daemon" : "")
                + (thread.virtualThread() == null ? "" : ", carrier of virtual thread "
                        + shown(thread.virtualThread().describe()))
                + states(thread)
                + (thread.crashed() ? ", crashed" : "") + ")";
    }

    static String tid(ThreadInfo thread) {
        return thread.tid() == null ? "?" : thread.tid().toString();
    }

    /**
     * {@code , WAITING, _thread_blocked, kernel S sleeping}: the Java state and HotSpot's where there are, and the
     * kernel's.
     */
    static String states(ThreadInfo thread) {
        String java = (thread.state() == null ? "" : ", " + shown(thread.state()))
                + (thread.hotspotState() == null ? "" : ", " + shown(thread.hotspotState()));
        if (thread.kernelState() == null) {
            return java;
        }
        String meaning = KERNEL_STATES.get(thread.kernelState());
        return java + ", kernel " + shown(thread.kernelState()) + (meaning == null ? "" : " " + meaning);
    }

    /** {@code SIGSEGV (SEGV_MAPERR) at 0x10}. */
    static String signal(ThreadSignal signal) {
        if (signal == null) {
            return "signal unknown";
        }
        String name = signal.name() != null ? signal.name()
                : signal.number() == null ? "unknown signal" : "signal " + signal.number();
        return shown(name + (signal.codeName() == null ? "" : " (" + signal.codeName() + ")")
                + (signal.address() == null ? "" : " at " + Hex.of(signal.address())));
    }

    static String orUnknown(String value) {
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
