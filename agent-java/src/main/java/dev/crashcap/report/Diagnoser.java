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
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The diagnosis rules, deliberately simple (docs/bundle-format.md lists them; a later version refines them):
 * <ol>
 *   <li>no signal recorded: {@code unknown};</li>
 *   <li>a signal another process sent (its sender's pid is not the process's own): {@code external-signal}, no suspect, no
 *       crash site: the thread it landed on was only where it arrived;</li>
 *   <li>SIGABRT whose abort message reads like glibc's heap checks, or whose stack passes through the
 *       allocator inside libc: {@code heap-corruption};</li>
 *   <li>any other SIGABRT: {@code abort}; when the aborting thread is in HotSpot's fatal-error report
 *       ({@code VMError::report_and_die}: an OutOfMemoryError with {@code -XX:+CrashOnOutOfMemoryError}, a failed
 *       guarantee, native memory exhausted), the summary says which, and that hs_err holds the JVM's message;</li>
 *   <li>SIGSEGV/SIGBUS at an address within 64 KiB of the low end of the thread's stack mapping (the guard
 *       pages), or with a very deep stack (256 frames or more) where one function makes up at least half of the
 *       frames: {@code stack-overflow}, naming that function and how often it recursed;</li>
 *   <li>a fault whose crash site is in libjvm.so: {@code jvm-fault}, naming the JNI library on the crashing stack,
 *       else the JNI libraries of the process ({@link JniLibraries}): the JVM's own code rarely faults;</li>
 *   <li>anything else: {@code fault}, saying so when the pc lies outside every loaded module (JIT-compiled
 *       code, naming the Java method when the innermost Java frame follows the crash site, or a bad jump), and
 *       naming the Java caller of a native call made through JNA or FFM ({@link JavaCaller}).</li>
 * </ol>
 * The suspect module is the innermost module on the crashing stack that is not a {@link SystemModules system}
 * module nor JNA's library; for a {@code jvm-fault} without one, the likeliest JNI library.
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

    private Diagnoser() {
    }

    static Diagnosis diagnose(Bundle bundle) {
        if (bundle.isSnapshot()) {
            return snapshot(bundle);
        }
        ThreadInfo thread = bundle.crashingThread();
        List<Frame> frames = thread == null ? List.of() : thread.frames();
        JavaCaller caller = JavaCaller.of(bundle, thread);
        NativeFrame suspect = suspectFrame(frames, caller == null ? null : caller.bridgeModule());
        String suspectName = suspect == null ? null : suspect.moduleName();
        String suspectPath = suspect == null ? null : suspect.modulePath();
        Verdict verdict = classify(bundle, thread, frames, suspect, caller);
        if (verdict.kind == Diagnosis.Kind.EXTERNAL_SIGNAL) { // nothing here faulted: no module to blame, no native call
            return new Diagnosis(verdict.kind, verdict.summary, null, null, List.of(), null);
        }
        List<Suspect> suspects = verdict.kind == Diagnosis.Kind.JVM_FAULT ? JniLibraries.of(bundle) : List.of();
        if (suspectName == null && !suspects.isEmpty()) { // a crash inside the JVM: its likeliest JNI library
            suspectName = suspects.get(0).module();
            suspectPath = suspects.get(0).path();
        }
        return new Diagnosis(verdict.kind, verdict.summary, suspectName, suspectPath, suspects, caller);
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

    private static Verdict classify(Bundle bundle, ThreadInfo thread, List<Frame> frames, NativeFrame suspect,
            JavaCaller caller) {
        Crash crash = bundle.crash();
        String signal = Signals.name(crash);
        if (signal == null) {
            return new Verdict(Diagnosis.Kind.UNKNOWN, "the capture was cut off before the signal was recorded");
        }
        if (crash.sentFromOutside()) {
            return new Verdict(Diagnosis.Kind.EXTERNAL_SIGNAL, sent(crash, signal, thread));
        }
        if (signal.equals("SIGABRT")) {
            return abort(crash, thread, frames, suspect, caller);
        }
        if (signal.equals("SIGSEGV") || signal.equals("SIGBUS")) {
            String overflow = stackOverflow(crash, thread, frames);
            if (overflow != null) {
                return new Verdict(Diagnosis.Kind.STACK_OVERFLOW, overflow);
            }
        }
        if (inJvm(thread)) {
            return new Verdict(Diagnosis.Kind.JVM_FAULT, jvmFault(bundle, signal, thread, suspect));
        }
        String summary = fault(bundle, signal, thread);
        return new Verdict(Diagnosis.Kind.FAULT, caller == null ? summary : summary + ", " + bridged(caller));
    }

    /** The crash site is in libjvm.so itself. */
    private static boolean inJvm(ThreadInfo thread) {
        NativeFrame top = thread == null ? null : thread.topNativeFrame();
        return top != null && "libjvm.so".equals(top.moduleName());
    }

    /**
     * A fault inside the JVM: where, and who likely caused it. With a JNI library's frame on the crashing thread
     * (a JNI function given a bad reference), that library; else the JNI libraries of the process (an overrun array
     * the GC trips over later); with none, a JVM bug or other memory corruption.
     */
    private static String jvmFault(Bundle bundle, String signal, ThreadInfo thread, NativeFrame suspect) {
        StringBuilder summary = signalText(bundle.crash(), signal);
        summary.append(" inside the JVM, in ").append(describe(thread.topNativeFrame())).append(" on ")
                .append(threadName(thread));
        if (suspect != null) {
            String function = suspect.function() == null ? "" : " (" + Demangler.of(suspect.function()) + ")";
            return summary + ", called from the JNI library " + suspect.moduleName() + function
                    + ": most likely JNI misuse by that library (a deleted or invalid reference, or memory it overran)";
        }
        List<Suspect> suspects = JniLibraries.of(bundle);
        if (suspects.isEmpty()) {
            return summary + ": no JNI library of the application is loaded: a JVM bug, or memory corrupted through "
                    + "sun.misc.Unsafe, the FFM API or a native agent";
        }
        List<String> names = suspects.stream().limit(3).map(Suspect::module).toList();
        String more = suspects.size() > 3 ? " and " + (suspects.size() - 3) + " more" : "";
        String which = suspects.size() == 1 ? "the JNI library " + names.get(0)
                : "one of the JNI libraries " + String.join(", ", names) + more;
        return summary + ": the JVM's own code rarely faults; JNI code that corrupted the JVM's memory earlier "
                + "(an array overrun, a stale reference) is the usual cause, likely " + which;
    }

    /** {@code a native call made through JNA (com.sun.jna.Native.invokeVoid) by com.example.X.y(X.java:31)}. */
    static String bridged(JavaCaller caller) {
        return "a native call made through " + caller.bridge() + " (" + caller.bridgeFrame() + ") by "
                + caller.callerText();
    }

    /**
     * {@code SIGSEGV (SI_USER) sent by pid 4242 (uid 1000) with kill(): no code in this process faulted; it arrived on
     * thread "main" in __futex_abstimed_wait_common+0xc4 (libc.so.6)}.
     */
    private static String sent(Crash crash, String signal, ThreadInfo thread) {
        String code = crash.signalCodeName() == null ? "" : " (" + crash.signalCodeName() + ")";
        String how = "SI_QUEUE".equals(crash.signalCodeName()) ? " with sigqueue()"
                : "SI_TKILL".equals(crash.signalCodeName()) ? " with tgkill()" : " with kill()";
        String uid = crash.senderUid() == null ? "" : ", uid " + crash.senderUid();
        String what = signal.equals("SIGABRT") ? "nothing in this process called abort()" : "no code in this process faulted";
        StringBuilder summary = new StringBuilder(signal + code + " sent by another process (pid " + crash.senderPid()
                + uid + ")" + how + ": " + what);
        if (thread != null) {
            summary.append("; it arrived on ").append(threadName(thread));
            NativeFrame top = thread.topNativeFrame();
            if (top != null) {
                summary.append(" in ").append(describe(top));
            }
        }
        return summary.toString();
    }

    /**
     * HotSpot's fatal-error report on the aborting thread ({@code VMError::report_and_die}), or null: the JVM stopped
     * itself, wrote hs_err, then called abort(). HotSpot's own abort after a crash that was captured is no new
     * bundle, so such an abort is a fatal error that came from no signal. Named from the reporting function it came
     * through; where libjvm.so's functions have no names, it is not recognised (an abort like any other).
     */
    static String jvmFatalError(ThreadInfo thread) {
        if (thread == null) {
            return null;
        }
        boolean reporting = false;
        Set<String> callers = new java.util.HashSet<>(); // below report_and_die: report_fatal, then why it was called
        for (Frame frame : thread.frames()) {
            if (!(frame instanceof NativeFrame nativeFrame) || nativeFrame.function() == null
                    || !"libjvm.so".equals(nativeFrame.moduleName())) {
                continue;
            }
            String function = Demangler.of(nativeFrame.function());
            int arguments = function.indexOf('(');
            String name = arguments < 0 ? function : function.substring(0, arguments);
            if (name.equals("VMError::report_and_die")) {
                reporting = true;
            } else if (reporting) {
                callers.add(name);
            }
        }
        if (!reporting) {
            return null;
        }
        if (callers.contains("report_java_out_of_memory")) {
            return "an OutOfMemoryError (the JVM runs with -XX:+CrashOnOutOfMemoryError)";
        }
        if (callers.contains("report_vm_out_of_memory")) {
            return "native memory exhausted (the JVM could not allocate or map memory)";
        }
        if (callers.contains("report_vm_error")) {
            return "a failed check inside the JVM (guarantee or assert)";
        }
        return "a fatal error inside the JVM";
    }

    private static Verdict abort(Crash crash, ThreadInfo thread, List<Frame> frames, NativeFrame suspect,
            JavaCaller caller) {
        String message = oneLine(AbortMessage.of(crash));
        String from = suspect != null ? ", called from " + describe(suspect)
                : caller != null ? ", in " + bridged(caller) : "";
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
        String fatal = jvmFatalError(thread);
        if (fatal != null) {
            return new Verdict(Diagnosis.Kind.ABORT, "the JVM stopped itself on " + fatal + " on " + threadName(thread)
                    + ": HotSpot wrote hs_err (its message is there), then called abort()");
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

    /** {@code SIGSEGV (SEGV_MAPERR, address not mapped) at address 0x0 (a null pointer)}. */
    private static StringBuilder signalText(Crash crash, String signal) {
        StringBuilder summary = new StringBuilder(signal);
        String meaning = SignalMeaning.of(crash);
        if (FaultAddress.isGeneralProtection(signal, crash.signalCode(), crash.signalCodeName())) {
            summary.append(" (").append(crash.signalCodeName() == null ? "SI_KERNEL" : crash.signalCodeName())
                    .append(", ").append(meaning).append(')');
        } else if (crash.signalCodeName() != null) {
            summary.append(" (").append(crash.signalCodeName()).append(meaning == null ? "" : ", " + meaning)
                    .append(')');
        }
        if (crash.signalAddress() != null) {
            summary.append(" at address ").append(Hex.of(crash.signalAddress()));
            if (signal.equals("SIGSEGV") && Long.compareUnsigned(crash.signalAddress(), 4096) < 0) {
                summary.append(" (a null pointer)");
            }
        }
        return summary;
    }

    private static String fault(Bundle bundle, String signal, ThreadInfo thread) {
        Crash crash = bundle.crash();
        StringBuilder summary = signalText(crash, signal);
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

    /** The innermost frame outside the system modules and the bridge's library (JNA's, which only forwards calls). */
    private static NativeFrame suspectFrame(List<Frame> frames, String bridgeModule) {
        for (Frame frame : frames) {
            if (frame instanceof NativeFrame nativeFrame && nativeFrame.moduleName() != null
                    && !SystemModules.isSystem(nativeFrame.moduleName())
                    && !nativeFrame.modulePath().equals(bridgeModule)) {
                return nativeFrame;
            }
        }
        return null;
    }

    /** {@code function+0x9 (libx.so)}, or {@code libx.so+0x11a9}, or the bare pc. */
    static String describe(NativeFrame frame) {
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
}
