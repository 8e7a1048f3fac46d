package dev.crashcap.ship;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Frame;
import dev.crashcap.bundle.Header;
import dev.crashcap.bundle.JavaFrame;
import dev.crashcap.bundle.LoadedModule;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.symbols.Demangler;
import dev.crashcap.bundle.ThreadInfo;
import dev.crashcap.report.Diagnosis;
import dev.crashcap.report.Json;
import dev.crashcap.symbols.DebugId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bundle as a Sentry event in the shape sentry-native gives a native crash, so that Sentry groups and symbolicates
 * it the same way (docs/ship.md, "Sentry", field by field): a fatal exception named after the signal ({@code SIGSEGV},
 * value {@code Segfault}: no address in it, which would split groups) with the crashing thread's frames and
 * registers, linked to its thread by {@code thread_id}, and a {@code signalhandler} mechanism carrying the signal
 * and the fault address; every other thread with its frames; {@code in_app} on the frames crashcap can tell
 * ({@link InAppRules}); {@code debug_meta} images (ELF, with code_id and debug_id) so Sentry can symbolicate against
 * debug files a team uploaded. Java frames keep {@code platform: java}, interleaved with the native ones as they
 * were on the stack. Sentry lists frames outermost first, the reverse of the bundle.
 */
public final class SentryEvent {
    /** sentry-native's descriptions of the signals it handles; other signals are described by their name. */
    private static final Map<String, String> SIGNAL_DESCRIPTIONS = Map.of("SIGILL", "IllegalInstruction",
            "SIGTRAP", "Trap", "SIGABRT", "Abort", "SIGBUS", "BusError", "SIGFPE", "FloatingPointException",
            "SIGSEGV", "Segfault");
    /** The signals whose si_addr is the faulting address (sigaction(2)). */
    private static final List<String> FAULT_SIGNALS = List.of("SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE");

    private SentryEvent() {
    }

    public static byte[] of(Bundle bundle, String eventId, String version) {
        return Json.write(event(bundle, eventId, version)).getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, Object> event(Bundle bundle, String eventId, String version) {
        Diagnosis diagnosis = Diagnosis.of(bundle);
        Header header = bundle.header();
        Map<String, LoadedModule> modulesByPath = new HashMap<>();
        for (LoadedModule module : bundle.modules()) {
            modulesByPath.putIfAbsent(module.path(), module);
        }
        InAppRules inApp = new InAppRules(header, modulesByPath);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_id", eventId);
        Long time = bundle.crash().timeEpochMillis();
        event.put("timestamp", Instant.ofEpochMilli(time != null ? time : System.currentTimeMillis()).toString());
        event.put("platform", "native");
        event.put("level", "fatal");
        event.put("logger", "crashcap");
        putIfSet(event, "release", header.release());
        putIfSet(event, "environment", header.environment());
        putIfSet(event, "server_name", header.hostName());
        event.put("sdk", Map.of("name", "crashcap", "version", version));
        event.put("tags", tags(bundle, diagnosis));
        event.put("contexts", contexts(bundle, diagnosis));
        event.put("exception", Map.of("values", List.of(exception(bundle, inApp))));
        event.put("threads", Map.of("values", threads(bundle, inApp)));
        event.put("debug_meta", Map.of("images", images(bundle)));
        return event;
    }

    private static Map<String, Object> tags(Bundle bundle, Diagnosis diagnosis) {
        Map<String, Object> tags = new LinkedHashMap<>();
        tags.put("crashcap.diagnosis", diagnosis.kind().jsonName());
        if (diagnosis.suspectModule() != null) {
            tags.put("crashcap.suspect_module", diagnosis.suspectModule());
        }
        if (bundle.header().javaVersion() != null) {
            tags.put("java.version", bundle.header().javaVersion());
        }
        return tags;
    }

    private static Map<String, Object> contexts(Bundle bundle, Diagnosis diagnosis) {
        Header header = bundle.header();
        Map<String, Object> contexts = new LinkedHashMap<>();
        // As sentry-native on Linux: the distribution's name and version when os-release(5) names them, else the
        // kernel's name and release; kernel_version is the kernel release either way.
        Map<String, Object> os = new LinkedHashMap<>();
        boolean distribution = header.osDistributionName() != null;
        os.put("name", distribution ? header.osDistributionName() : header.osName());
        putIfSet(os, "version", distribution ? header.osDistributionVersion() : header.osVersion());
        putIfSet(os, "kernel_version", header.osVersion());
        contexts.put("os", os);
        String arch = sentryArch(header.osArch());
        if (arch != null) {
            contexts.put("device", Map.of("arch", arch));
        }
        Map<String, Object> runtime = new LinkedHashMap<>();
        runtime.put("name", header.jvmName());
        runtime.put("version", header.jvmVersion());
        contexts.put("runtime", runtime);
        // crashcap's own reading of the crash (crashcap inspect's first line), kept out of exception.value, which
        // Sentry groups on.
        Map<String, Object> crashcap = new LinkedHashMap<>();
        crashcap.put("diagnosis", diagnosis.kind().jsonName());
        putIfSet(crashcap, "summary", diagnosis.summary());
        putIfSet(crashcap, "suspect_module", diagnosis.suspectModule());
        contexts.put("crashcap", crashcap);
        return contexts;
    }

    /** Java's os.arch as Sentry (and sentry-native, from uname's machine) names the architecture. */
    static String sentryArch(String osArch) {
        if (osArch == null || osArch.isEmpty()) return null;
        return switch (osArch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i486", "i586", "i686" -> "x86";
            default -> osArch;
        };
    }

    private static Map<String, Object> exception(Bundle bundle, InAppRules inApp) {
        ThreadInfo crashing = bundle.crashingThread();
        Map<String, Object> exception = new LinkedHashMap<>();
        String signal = bundle.crash().signalName();
        exception.put("type", signal != null ? signal : "unknown signal");
        exception.put("value", signal == null ? "unknown signal" : SIGNAL_DESCRIPTIONS.getOrDefault(signal, signal));
        if (crashing != null && crashing.tid() != null) {
            exception.put("thread_id", crashing.tid());
        }
        exception.put("mechanism", mechanism(bundle));
        if (crashing != null) {
            exception.put("stacktrace", stacktrace(crashing, inApp));
        }
        return exception;
    }

    private static Map<String, Object> mechanism(Bundle bundle) {
        Map<String, Object> signal = new LinkedHashMap<>();
        signal.put("number", bundle.crash().signalNumber());
        signal.put("code", bundle.crash().signalCode());
        signal.put("name", bundle.crash().signalName());
        signal.put("code_name", bundle.crash().signalCodeName());
        Map<String, Object> mechanism = new LinkedHashMap<>();
        mechanism.put("type", "signalhandler");
        mechanism.put("handled", false);
        mechanism.put("synthetic", true);
        mechanism.put("meta", Map.of("signal", signal));
        Long address = bundle.crash().signalAddress();
        if (address != null && FAULT_SIGNALS.contains(bundle.crash().signalName())) {
            // Where the fault address goes in Sentry's mechanism (sentry-cocoa sends it so; Sentry's UI shows it as
            // the exception's relevant address), out of exception.value so one bug's crashes stay one group.
            mechanism.put("data", Map.of("relevant_address", hex(address)));
        }
        return mechanism;
    }

    private static List<Object> threads(Bundle bundle, InAppRules inApp) {
        ThreadInfo crashing = bundle.crashingThread();
        List<Object> threads = new ArrayList<>();
        for (ThreadInfo thread : bundle.threads()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", thread.tid());
            // A carrier running a virtual thread: both names, as inspect gives them (Sentry has no field for it).
            json.put("name", thread.virtualThread() == null ? thread.name()
                    : thread.name() + ", carrier of virtual thread " + thread.virtualThread().describe());
            json.put("crashed", thread.crashed());
            json.put("current", thread == crashing);
            if (thread.state() != null) {
                json.put("state", thread.state());
            }
            // The crashing thread's stack is the exception's (linked by its thread_id): Sentry's interface wants it
            // once, as sentry-native sends it.
            if (thread != crashing) {
                json.put("stacktrace", stacktrace(thread, inApp));
            }
            threads.add(json);
        }
        return threads;
    }

    private static Map<String, Object> stacktrace(ThreadInfo thread, InAppRules inApp) {
        List<Object> frames = new ArrayList<>();
        List<Frame> innermostFirst = thread.frames();
        boolean hasJavaFrames = innermostFirst.stream().anyMatch(f -> f instanceof JavaFrame);
        for (int i = innermostFirst.size() - 1; i >= 0; i--) {
            Frame frame = innermostFirst.get(i);
            if (frame instanceof NativeFrame n) {
                // A pc in no module is JIT-compiled or interpreted Java code (or a wild jump). Where the thread has
                // Java frames they stand for it; a pc the signal stopped at is kept all the same: it is the crash.
                if (n.modulePath() == null && hasJavaFrames && !n.exact()) {
                    continue;
                }
                frames.add(nativeFrame(n, inApp));
            } else {
                frames.add(javaFrame((JavaFrame) frame, inApp));
            }
        }
        Map<String, Object> stacktrace = new LinkedHashMap<>();
        stacktrace.put("frames", frames);
        // Each native frame's instruction_addr is already the address to look up (see nativeFrame): Sentry must not
        // guess which ones are return addresses.
        stacktrace.put("instruction_addr_adjustment", "none");
        if (!thread.registers().isEmpty()) {
            Map<String, Object> registers = new LinkedHashMap<>();
            thread.registers().forEach((name, value) -> registers.put(name, hex(value)));
            stacktrace.put("registers", registers);
        }
        return stacktrace;
    }

    private static Map<String, Object> nativeFrame(NativeFrame frame, InAppRules inApp) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("platform", "native");
        // The capture knows which pcs are return addresses: for those the call is the byte before (a call may be the
        // last instruction of its function). Sentry wants the address that lies in the frame's function and line.
        json.put("instruction_addr", hex(frame.lookupAddress()));
        if (frame.function() != null) {
            json.put("function", Demangler.of(frame.function()));
            String demangled = Demangler.demangledOrNull(frame.function());
            if (demangled != null) {
                json.put("raw_function", frame.function()); // Sentry's field for the name before demangling
            }
            if (frame.functionOffset() != null) {
                json.put("symbol_addr", hex(frame.pc() - frame.functionOffset()));
            }
        }
        // No image_addr: Sentry finds the image from instruction_addr in debug_meta (sentry-native sends none).
        if (frame.modulePath() != null) {
            json.put("package", frame.modulePath());
        } else if (frame.exact()) {
            // No module holds this pc (JIT-compiled or interpreted code, or a bad jump): its only source is the
            // register context, which is what Sentry's trust "context" says.
            json.put("trust", "context");
        }
        if (frame.file() != null && frame.line() != null) {
            json.put("filename", frame.file());
            json.put("lineno", frame.line());
        }
        putIfSet(json, "in_app", inApp.of(frame));
        return json;
    }

    private static Map<String, Object> javaFrame(JavaFrame frame, InAppRules inApp) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("platform", "java");
        json.put("module", frame.className());
        json.put("function", frame.method());
        if (frame.line() != null) {
            json.put("lineno", frame.line());
        }
        if (frame.sourceFile() != null) {
            json.put("filename", frame.sourceFile());
        }
        json.put("native", frame.nativeMethod());
        putIfSet(json, "in_app", inApp.of(frame));
        return json;
    }

    private static List<Object> images(Bundle bundle) {
        List<Object> images = new ArrayList<>();
        for (LoadedModule module : bundle.modules()) {
            Map<String, Object> image = new LinkedHashMap<>();
            image.put("type", "elf");
            image.put("code_file", module.path());
            image.put("debug_file", module.path());
            putIfSet(image, "code_id", DebugId.codeId(module.buildId()));
            String debugId = DebugId.debugId(module.buildId());
            if (debugId == null && !module.deleted() && module.path() != null && module.path().startsWith("/")) {
                // No build-id: the identifier sentry-native gives such an image, from the file itself (a deleted
                // or replaced file would give another file's).
                debugId = DebugId.fromText(module.path());
            }
            putIfSet(image, "debug_id", debugId);
            image.put("image_addr", hex(module.base()));
            image.put("image_size", module.size());
            images.add(image);
        }
        return images;
    }

    private static void putIfSet(Map<String, Object> json, String key, Object value) {
        if (value != null) {
            json.put(key, value);
        }
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
