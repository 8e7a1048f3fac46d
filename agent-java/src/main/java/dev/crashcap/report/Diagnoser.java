package dev.crashcap.report;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Crash;
import dev.crashcap.bundle.FaultAddress;
import dev.crashcap.bundle.Frame;
import dev.crashcap.bundle.Hex;
import dev.crashcap.bundle.JavaFrame;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.bundle.Signals;
import dev.crashcap.bundle.StackBounds;
import dev.crashcap.bundle.ThreadInfo;
import dev.crashcap.symbols.Demangler;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The diagnosis rules, deliberately simple (docs/bundle-format.md lists them; a later version refines them):
 * <ol>
 *   <li>no signal recorded: {@code unknown};</li>
 *   <li>SIGABRT whose abort message reads like glibc's heap checks, or whose stack passes through the
 *       allocator inside libc: {@code heap-corruption};</li>
 *   <li>any other SIGABRT: {@code abort};</li>
 *   <li>SIGSEGV/SIGBUS at an address within 64 KiB of the low end of the thread's stack mapping (the guard
 *       pages), or with a very deep stack (256 frames or more) where one function makes up at least half of the
 *       frames: {@code stack-overflow}, naming that function and how often it recursed;</li>
 *   <li>anything else: {@code fault}, saying so when the pc lies outside every loaded module (JIT-compiled
 *       code, naming the Java method when the innermost Java frame follows the crash site, or a bad jump).</li>
 * </ol>
 * The suspect module is the innermost module on the crashing stack that is not a {@link SystemModules system}
 * module.
 */
final class Diagnoser {
    private static final int DEEP_STACK = 256;
    // With the fault at the end of the stack, a function is named as the culprit only if it clearly recursed.
    private static final int MIN_NAMED_RECURSION = 32;

    private static final List<String> HEAP_WORDS = List.of("double free", "free():", "malloc", "corrupted",
            "realloc():", "munmap_chunk", "tcache", "invalid pointer", "invalid size");

    private static final Set<String> ALLOCATOR_FUNCTIONS = Set.of("free", "malloc", "realloc", "calloc", "cfree",
            "__libc_free", "__libc_malloc", "__libc_realloc", "__libc_calloc", "_int_free", "_int_malloc",
            "_int_realloc", "malloc_printerr", "malloc_consolidate", "munmap_chunk", "unlink_chunk");

    private static final Map<String, String> CODE_MEANINGS = codeMeanings();

    private Diagnoser() {
    }

    static Diagnosis diagnose(Bundle bundle) {
        if (bundle.isSnapshot()) {
            return snapshot(bundle);
        }
        ThreadInfo thread = bundle.crashingThread();
        List<Frame> frames = thread == null ? List.of() : thread.frames();
        NativeFrame suspect = suspectFrame(frames);
        String suspectName = suspect == null ? null : suspect.moduleName();
        String suspectPath = suspect == null ? null : suspect.modulePath();
        Verdict verdict = classify(bundle, thread, frames, suspect);
        return new Diagnosis(verdict.kind, verdict.summary, suspectName, suspectPath);
    }

    /**
     * A live snapshot: nothing crashed, so no suspect module; a deadlock is what there is to diagnose. The summary
     * names the threads of the first deadlock: {@code deadlock: "a" and "b" wait for each other's locks}.
     */
    private static Diagnosis snapshot(Bundle bundle) {
        String threads = bundle.threads().size() + " threads";
        if (bundle.locks() == null) {
            return new Diagnosis(Diagnosis.Kind.SNAPSHOT, "live snapshot of " + threads + " (locks not recorded)", null, null);
        }
        List<List<String>> deadlocks = bundle.locks().deadlocks();
        if (deadlocks.isEmpty()) {
            return new Diagnosis(Diagnosis.Kind.SNAPSHOT, "live snapshot of " + threads + ", no deadlock", null, null);
        }
        List<String> first = deadlocks.get(0).stream().map(name -> "\"" + name + "\"").toList();
        String names = first.size() == 2 ? first.get(0) + " and " + first.get(1) : String.join(", ", first);
        String more = deadlocks.size() == 1 ? "" : " (and " + (deadlocks.size() - 1) + " more deadlocks)";
        return new Diagnosis(Diagnosis.Kind.DEADLOCK, "deadlock: " + names + " wait for each other's locks" + more,
                null, null);
    }

    private record Verdict(Diagnosis.Kind kind, String summary) {
    }

    private static Verdict classify(Bundle bundle, ThreadInfo thread, List<Frame> frames, NativeFrame suspect) {
        Crash crash = bundle.crash();
        String signal = Signals.name(crash);
        if (signal == null) {
            return new Verdict(Diagnosis.Kind.UNKNOWN, "the capture was cut off before the signal was recorded");
        }
        if (signal.equals("SIGABRT")) {
            return abort(crash, frames, suspect);
        }
        if (signal.equals("SIGSEGV") || signal.equals("SIGBUS")) {
            String overflow = stackOverflow(crash, thread, frames);
            if (overflow != null) {
                return new Verdict(Diagnosis.Kind.STACK_OVERFLOW, overflow);
            }
        }
        return new Verdict(Diagnosis.Kind.FAULT, fault(bundle, signal, thread));
    }

    private static Verdict abort(Crash crash, List<Frame> frames, NativeFrame suspect) {
        String message = oneLine(AbortMessage.of(crash));
        String from = suspect == null ? "" : ", called from " + describe(suspect);
        if (crash.abortMessage() == null && crash.cxxExceptionType() != null) { // what() is the program's text
            return new Verdict(Diagnosis.Kind.ABORT, "an uncaught C++ exception (" + message
                    + ") ended in std::terminate, which called abort()" + from);
        }
        if (message != null && looksLikeHeapCorruption(message)) {
            return new Verdict(Diagnosis.Kind.HEAP_CORRUPTION,
                    "heap corruption: glibc stopped the process with \"" + message + "\"" + from);
        }
        NativeFrame allocator = allocatorFrame(frames);
        if (allocator != null) {
            return new Verdict(Diagnosis.Kind.HEAP_CORRUPTION, "heap corruption: the process aborted inside the "
                    + "memory allocator (" + allocator.function() + " in " + allocator.moduleName() + ")" + from);
        }
        String said = message == null ? "" : " with \"" + message + "\"";
        return new Verdict(Diagnosis.Kind.ABORT, "abort() was called" + said + from);
    }

    private static boolean looksLikeHeapCorruption(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        for (String word : HEAP_WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }

    private static NativeFrame allocatorFrame(List<Frame> frames) {
        for (Frame frame : frames) {
            if (frame instanceof NativeFrame nativeFrame && nativeFrame.function() != null
                    && nativeFrame.moduleName() != null && SystemModules.isLibc(nativeFrame.moduleName())
                    && ALLOCATOR_FUNCTIONS.contains(nativeFrame.function())) {
                return nativeFrame;
            }
        }
        return null;
    }

    /**
     * A summary if this fault looks like a stack overflow, else null: the fault address is at the low end of the
     * thread's stack (either side: the guard pages lie just below the mapping), or the stack is very deep and one
     * function makes up at least half of it.
     */
    private static String stackOverflow(Crash crash, ThreadInfo thread, List<Frame> frames) {
        if (thread == null) {
            return null;
        }
        Recursion recursion = Recursion.of(frames);
        boolean atTheEnd = thread.stack() != null && crash.signalAddress() != null
                && nearLowEnd(crash.signalAddress(), thread.stack().low());
        boolean deep = frames.size() >= DEEP_STACK || "max-frames".equals(thread.unwindStop()) && frames.size() >= 32;
        if (recursion != null && (deep || atTheEnd && recursion.count() >= MIN_NAMED_RECURSION)) {
            return recursed(thread, recursion);
        }
        if (atTheEnd) {
            return "stack overflow: the fault address " + Hex.of(crash.signalAddress()) + " is at the end of the stack"
                    + " of " + threadName(thread) + " (" + Hex.of(thread.stack().low()) + "-"
                    + Hex.of(thread.stack().high()) + ", " + Sizes.bytes(thread.stack().size()) + ")";
        }
        return null;
    }

    // Unsigned distance from the low end, either side.
    private static boolean nearLowEnd(long address, long low) {
        return Long.compareUnsigned(address - (low - StackBounds.GUARD_REACH), 2 * StackBounds.GUARD_REACH) < 0;
    }

    /** {@code stack overflow: f recursed 21,844 times on thread "x" (stack 1 MiB)}. */
    private static String recursed(ThreadInfo thread, Recursion recursion) {
        boolean cut = "max-frames".equals(thread.unwindStop());
        String stack = thread.stack() == null ? "" : " (stack " + Sizes.bytes(thread.stack().size()) + ")";
        return "stack overflow: " + Demangler.of(recursion.function()) + " recursed " + (cut ? "at least " : "")
                + Sizes.count(recursion.count()) + " times on " + threadName(thread) + stack;
    }

    private static String threadName(ThreadInfo thread) {
        if (thread.name() != null) {
            return "thread \"" + thread.name() + "\"";
        }
        return thread.tid() == null ? "the crashing thread" : "thread " + thread.tid();
    }

    private static String fault(Bundle bundle, String signal, ThreadInfo thread) {
        Crash crash = bundle.crash();
        StringBuilder summary = new StringBuilder(signal);
        if (FaultAddress.isGeneralProtection(signal, crash.signalCode(), crash.signalCodeName())) {
            summary.append(" (").append(crash.signalCodeName() == null ? "SI_KERNEL" : crash.signalCodeName())
                    .append(", a general protection fault: no fault address, e.g. a non-canonical pointer)");
        } else if (crash.signalCodeName() != null) {
            String meaning = CODE_MEANINGS.get(crash.signalCodeName());
            summary.append(" (").append(crash.signalCodeName()).append(meaning == null ? "" : ", " + meaning)
                    .append(')');
        }
        if (crash.signalAddress() != null) {
            summary.append(" at address ").append(Hex.of(crash.signalAddress()));
            if (signal.equals("SIGSEGV") && Long.compareUnsigned(crash.signalAddress(), 4096) < 0) {
                summary.append(" (a null pointer)");
            }
        }
        Long pc = crashPc(thread);
        if (pc != null && !bundle.modules().isEmpty() && bundle.moduleAt(pc) == null) {
            JavaFrame compiled = compiledJavaFrame(thread);
            if (compiled != null) {
                return summary + " in JIT-compiled Java code, in " + compiled.className() + "." + compiled.method();
            }
            return summary + " in code outside any loaded module (JIT-compiled Java code or a bad jump)";
        }
        NativeFrame top = thread == null ? null : thread.topNativeFrame();
        if (top != null) {
            summary.append(" in ").append(describe(top));
        }
        return summary.toString();
    }

    /**
     * The Java method that was running when the pc lies outside every module, or null: that is the case when the
     * innermost Java frame directly follows the crash site and is not a native method (a native method's frame
     * below a pc in no module means native code jumped somewhere bad).
     */
    static JavaFrame compiledJavaFrame(ThreadInfo thread) {
        List<Frame> frames = thread.frames();
        int firstJava = 0;
        while (firstJava < frames.size() && frames.get(firstJava) instanceof NativeFrame) {
            firstJava++;
        }
        if (firstJava != 1 || firstJava == frames.size()) {
            return null;
        }
        JavaFrame java = (JavaFrame) frames.get(firstJava);
        return java.nativeMethod() ? null : java;
    }

    /** The pc at the fault: the instruction pointer register, else the innermost native frame. */
    static Long crashPc(ThreadInfo thread) {
        if (thread == null) {
            return null;
        }
        for (String register : List.of("rip", "pc")) {
            if (thread.registers().containsKey(register)) {
                return thread.registers().get(register);
            }
        }
        NativeFrame top = thread.topNativeFrame();
        return top == null ? null : top.pc();
    }

    private static NativeFrame suspectFrame(List<Frame> frames) {
        for (Frame frame : frames) {
            if (frame instanceof NativeFrame nativeFrame && nativeFrame.moduleName() != null
                    && !SystemModules.isSystem(nativeFrame.moduleName())) {
                return nativeFrame;
            }
        }
        return null;
    }

    /** {@code function+0x9 (libx.so)}, or {@code libx.so+0x11a9}, or the bare pc. */
    private static String describe(NativeFrame frame) {
        String module = frame.moduleName();
        if (frame.function() != null) {
            String offset = frame.functionOffset() == null ? "" : "+" + Hex.of(frame.functionOffset());
            return Demangler.of(frame.function()) + offset + (module == null ? "" : " (" + module + ")");
        }
        if (module != null) {
            return module + (frame.offset() == null ? "" : "+" + Hex.of(frame.offset()));
        }
        return Hex.of(frame.pc());
    }

    // glibc's messages end with a newline and asserts may span lines; a summary is one line.
    private static String oneLine(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static Map<String, String> codeMeanings() {
        Map<String, String> meanings = new HashMap<>();
        meanings.put("SEGV_MAPERR", "address not mapped");
        meanings.put("SEGV_ACCERR", "no permission for the access");
        meanings.put("BUS_ADRALN", "misaligned address");
        meanings.put("BUS_ADRERR", "address beyond the end of a mapped file");
        meanings.put("FPE_INTDIV", "integer divide by zero");
        meanings.put("FPE_INTOVF", "integer overflow");
        meanings.put("ILL_ILLOPC", "illegal opcode");
        return meanings;
    }
}
