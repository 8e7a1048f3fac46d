package dev.crashcap.report;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Crash;
import dev.crashcap.bundle.FaultAddress;
import dev.crashcap.bundle.Frame;
import dev.crashcap.bundle.Hex;
import dev.crashcap.bundle.LibraryCaller;
import dev.crashcap.bundle.LoadedModule;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.bundle.Signals;
import dev.crashcap.bundle.ThreadInfo;
import dev.crashcap.symbols.Demangler;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What to try next ({@code diagnosis.hints}), each step tied to the evidence in the bundle that calls for it. The
 * rules (docs/bundle-format.md, "Hints"), most specific first:
 * <ul>
 *   <li>{@code malloc-check}: heap corruption: glibc's own checks, nearer the culprit;</li>
 *   <li>{@code xcheck-jni}: a crash inside the JVM, or heap corruption in a process with JNI libraries;</li>
 *   <li>{@code stack-size}: a stack overflow: the thread's stack size and how to raise it;</li>
 *   <li>{@code cxx-exception}: a C++ exception nothing caught;</li>
 *   <li>{@code bad-pointer}: a general-protection fault: a pointer that is no address at all;</li>
 *   <li>{@code native-call}: a crash in a native call made through JNA or FFM: the Java caller's arguments;</li>
 *   <li>{@code library-version}: the suspect library was loaded by a class from a jar: that jar's version;</li>
 *   <li>{@code history}: other bundles in the folder have the same signature: {@code crashcap list --group}.</li>
 * </ul>
 */
public final class Hints {
    private static final Pattern VERSION_IN_NAME = Pattern.compile("-(\\d+(?:\\.\\d+)+[^/]*?)\\.jar$");
    private static final Set<String> GENERAL_REGISTERS = Set.of("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp",
            "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15");
    private static final long X86_GP_TRAP = 13;
    private static final int MAX_LIBRARIES = 3;

    private Hints() {
    }

    public static List<Hint> of(Bundle bundle, Diagnosis diagnosis, SignatureHistory history) {
        List<Hint> hints = new ArrayList<>();
        if (bundle.isSnapshot()) {
            return hints;
        }
        switch (diagnosis.kind()) {
            case HEAP_CORRUPTION -> heapCorruption(bundle, hints);
            case JVM_FAULT -> hints.add(new Hint("xcheck-jni", "Run with -Xcheck:jni: the JVM then checks every JNI "
                    + "call (references, critical arrays, pending exceptions) and stops at the first misuse with a "
                    + "message and the Java stack" + libraries(diagnosis.suspects()), jvmFaultEvidence(bundle, diagnosis)));
            case STACK_OVERFLOW -> stackSize(bundle, diagnosis, hints);
            case ABORT -> cxxException(bundle, hints);
            default -> { }
        }
        badPointer(bundle, hints);
        nativeCall(bundle, diagnosis, hints);
        libraryVersions(bundle, diagnosis, hints);
        if (history != null && history.others() > 0) {
            hints.add(history(history));
        }
        return hints;
    }

    private static void heapCorruption(Bundle bundle, List<Hint> hints) {
        String message = AbortMessage.of(bundle.crash());
        String evidence = message != null && !message.isBlank()
                ? "glibc's abort message \"" + message.strip().replaceAll("\\s*\\R\\s*", " ") + "\""
                : "the crashing thread aborted inside the memory allocator";
        hints.add(new Hint("malloc-check", "Run again with MALLOC_CHECK_=3 (glibc 2.34 and later: "
                + "GLIBC_TUNABLES=glibc.malloc.check=3 with LD_PRELOAD=libc_malloc_debug.so.0): glibc then checks "
                + "every malloc and free and stops nearer the code that corrupts the heap", evidence));
        List<Suspect> jni = JniLibraries.of(bundle);
        if (!jni.isEmpty()) {
            hints.add(new Hint("xcheck-jni", "Run with -Xcheck:jni as well: a JNI library that frees memory it does "
                    + "not own or writes past an array corrupts the C heap too" + libraries(jni),
                    "JNI libraries in the process: " + described(jni)));
        }
    }

    private static String jvmFaultEvidence(Bundle bundle, Diagnosis diagnosis) {
        ThreadInfo thread = bundle.crashingThread();
        NativeFrame top = thread == null ? null : thread.topNativeFrame();
        String site = top == null ? "the crash site" : "the crash site " + Diagnoser.describe(top);
        String libraries = diagnosis.suspects().isEmpty() ? "; no JNI library of the application is loaded"
                : "; JNI libraries: " + described(diagnosis.suspects());
        return site + " is inside the JVM" + libraries;
    }

    /** {@code " of libfoo.so and libbar.so"}, or nothing. */
    private static String libraries(List<Suspect> suspects) {
        if (suspects.isEmpty()) {
            return "";
        }
        List<String> names = suspects.stream().limit(MAX_LIBRARIES).map(Suspect::module).toList();
        String more = suspects.size() > MAX_LIBRARIES ? " and " + (suspects.size() - MAX_LIBRARIES) + " more" : "";
        if (names.size() == 1) {
            return " (" + names.get(0) + ")";
        }
        return " (" + String.join(", ", names) + more + ")";
    }

    /** {@code libfoo.so (on the crashing thread's stack), libbar.so (loaded by com.x.Y)}. */
    private static String described(List<Suspect> suspects) {
        List<String> parts = suspects.stream().limit(MAX_LIBRARIES).map(s -> s.module() + " (" + s.why() + ")").toList();
        String more = suspects.size() > MAX_LIBRARIES ? " and " + (suspects.size() - MAX_LIBRARIES) + " more" : "";
        return String.join(", ", parts) + more;
    }

    private static void stackSize(Bundle bundle, Diagnosis diagnosis, List<Hint> hints) {
        ThreadInfo thread = bundle.crashingThread();
        if (thread == null) {
            return;
        }
        String name = thread.name() == null ? "the crashing thread" : "thread \"" + thread.name() + "\"";
        String size = thread.stack() == null ? "" : " (" + Sizes.bytes(thread.stack().size()) + ")";
        Recursion recursion = Recursion.of(thread.frames());
        String fix = recursion == null ? "" : "; if the recursion in " + Demangler.of(recursion.function())
                + " is not meant to go this deep, that is the bug";
        String text = thread.java()
                ? "The stack of " + name + size + " ran out. It is a Java thread: raise its stack with -Xss (every "
                        + "Java thread, e.g. -Xss4m) or the stackSize argument of new Thread(…)" + fix
                : "The stack of " + name + size + " ran out. It is a native thread: raise its stack where it is "
                        + "created, with pthread_attr_setstacksize before pthread_create (glibc's default is the "
                        + "ulimit -s soft limit)" + fix;
        StringBuilder evidence = new StringBuilder(name);
        if (thread.stack() != null) {
            evidence.append(": stack ").append(Hex.of(thread.stack().low())).append('-')
                    .append(Hex.of(thread.stack().high())).append(size);
        }
        Long address = bundle.crash().signalAddress();
        if (address != null) {
            evidence.append(", fault address ").append(Hex.of(address));
        }
        if (recursion != null) {
            evidence.append(", ").append(Demangler.of(recursion.function())).append(" on ")
                    .append(Sizes.count(recursion.count())).append(" frames");
        }
        hints.add(new Hint("stack-size", text, evidence.toString()));
    }

    private static void cxxException(Bundle bundle, List<Hint> hints) {
        Crash crash = bundle.crash();
        if (crash.cxxExceptionType() == null || crash.abortMessage() != null) {
            return; // the same rule as the diagnosis: glibc's message, when there is one, says more
        }
        String type = Demangler.type(crash.cxxExceptionType());
        NativeFrame thrower = SystemModules.firstOutsideLibcAndCxxRuntime(bundle.crashingThread());
        String from = thrower == null ? "" : " from " + Demangler.of(thrower.function() == null
                ? thrower.moduleName() : thrower.function());
        hints.add(new Hint("cxx-exception", "Catch C++ exceptions before they leave native code: " + type
                + " escaped" + from + " and nothing caught it; a C++ exception must never unwind into the JVM "
                + "(end each JNI function with a catch that throws a Java exception instead)",
                "the uncaught exception " + type + (crash.cxxExceptionWhat() == null ? ""
                        : ": " + crash.cxxExceptionWhat()) + ", then std::terminate and abort()"));
    }

    /**
     * A general-protection fault: no fault address, so the evidence is what the CPU left: x86_64's trap number 13
     * (#GP) and any general register holding a non-canonical value (bits 63..47 not all equal), the likely pointer.
     */
    private static void badPointer(Bundle bundle, List<Hint> hints) {
        Crash crash = bundle.crash();
        if (!FaultAddress.isGeneralProtection(Signals.name(crash), crash.signalCode(), crash.signalCodeName())) {
            return;
        }
        StringBuilder evidence = new StringBuilder(Signals.name(crash) + " with si_code SI_KERNEL and no fault address");
        ThreadInfo thread = bundle.crashingThread();
        Map<String, Long> registers = thread == null ? Map.of() : thread.registers();
        if (Long.valueOf(X86_GP_TRAP).equals(registers.get("trapno"))) {
            evidence.append(", CPU trap 13 (#GP)");
        }
        registers.forEach((name, value) -> {
            long top = value >> 47; // arithmetic shift: 0 or -1 for a canonical 48-bit address
            if (GENERAL_REGISTERS.contains(name) && top != 0 && top != -1) {
                evidence.append(", ").append(name).append('=').append(Hex.of(value)).append(" is not a canonical address");
            }
        });
        hints.add(new Hint("bad-pointer", "Look for the pointer that is no address at all: a general protection fault "
                + "on x86_64 is usually an access through a non-canonical pointer (garbage in its upper bits: "
                + "uninitialised or overwritten memory, text such as 0x4141414141414141, a freed and reused object)",
                evidence.toString()));
    }

    private static void nativeCall(Bundle bundle, Diagnosis diagnosis, List<Hint> hints) {
        JavaCaller caller = diagnosis.javaCaller();
        if (caller == null) {
            return;
        }
        Long address = bundle.crash().signalAddress();
        String called = Diagnoser.describe(caller.called());
        hints.add(new Hint("native-call", "Check what " + caller.callerText() + " passes to the native function it "
                + "calls through " + caller.bridge() + " (pointers, sizes, the lifetime of the memory): the crash is in "
                + called + (address == null ? "" : ", at address " + Hex.of(address)),
                "crashing stack: " + called + " <- " + caller.bridgeFrame() + " <- "
                        + caller.caller().className() + "." + caller.caller().method()));
    }

    /**
     * The jars whose classes loaded the suspect libraries: the suspect module, JNA's library for a JNA call, and for
     * a crash inside the JVM its JNI libraries (at most {@value #MAX_LIBRARIES}).
     */
    private static void libraryVersions(Bundle bundle, Diagnosis diagnosis, List<Hint> hints) {
        Set<String> paths = new LinkedHashSet<>();
        if (diagnosis.suspectModulePath() != null) {
            paths.add(diagnosis.suspectModulePath());
        }
        if (diagnosis.javaCaller() != null && diagnosis.javaCaller().bridgeModule() != null) {
            paths.add(diagnosis.javaCaller().bridgeModule());
        }
        diagnosis.suspects().forEach(suspect -> paths.add(suspect.path()));
        Set<String> jars = new LinkedHashSet<>();
        for (String path : paths) {
            LoadedModule module = bundle.moduleByPath(path);
            LibraryCaller loader = module == null ? null : module.loadedBy();
            if (loader == null || loader.jar() == null || loader.javaClass() == null || !jars.add(loader.jar())) {
                continue;
            }
            hints.add(libraryVersion(module, loader));
            if (jars.size() == MAX_LIBRARIES) {
                return;
            }
        }
    }

    private static Hint libraryVersion(LoadedModule module, LibraryCaller loader) {
        String jar = loader.jar();
        String evidence = module.name() + " was loaded by " + loader.javaClass() + " from " + jar;
        if (jar.endsWith("/")) {
            return new Hint("library-version", "Note which build of " + jar + " ran (a folder, not a jar) and whether "
                    + "a newer one fixes this crash: " + module.name() + " came with it", evidence);
        }
        String file = jar.substring(jar.lastIndexOf('/') + 1);
        Matcher version = VERSION_IN_NAME.matcher(file);
        String known = version.find() ? " (" + version.group(1) + ", from its file name)" : "";
        return new Hint("library-version", "Check the version of " + file + known + " and whether a newer release "
                + "fixes this crash: " + module.name() + " came with it", evidence);
    }

    private static Hint history(SignatureHistory history) {
        String folder = history.folder() == null ? "" : " " + history.folder();
        String when = history.first() == null ? "" : " (first " + BundleJson.time(history.first()) + ", last "
                + BundleJson.time(history.last()) + ")";
        return new Hint("history", "This crash happened " + (history.others() + 1) + " times" + when
                + ": crashcap list --group" + folder + " shows its history and how long the process ran each time",
                "the same signature as " + history.others() + " other bundle" + (history.others() == 1 ? "" : "s")
                        + " in" + folder
                        + (history.capped() ? " (of the " + SignatureHistory.MAX_SIBLINGS + " newest read)" : ""));
    }
}
