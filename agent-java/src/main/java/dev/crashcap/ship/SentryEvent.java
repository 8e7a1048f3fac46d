package dev.crashcap.ship;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Frame;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bundle as a Sentry event in the shape of a native crash (the one minidumps produce): a fatal exception named
 * after the signal, with the crashing thread's frames and registers and a {@code signalhandler} mechanism; every
 * thread with its frames; {@code debug_meta} images (ELF, with code_id and debug_id from the build-id) so Sentry
 * can symbolicate against debug files a team uploaded. Java frames keep {@code platform: java}, interleaved with
 * the native ones as they were on the stack. Sentry lists frames outermost first, the reverse of the bundle.
 */
public final class SentryEvent {
    private SentryEvent() {
    }

    public static byte[] of(Bundle bundle, String eventId, String version) {
        return Json.write(event(bundle, eventId, version)).getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, Object> event(Bundle bundle, String eventId, String version) {
        Diagnosis diagnosis = Diagnosis.of(bundle);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_id", eventId);
        Long time = bundle.crash().timeEpochMillis();
        event.put("timestamp", Instant.ofEpochMilli(time != null ? time : System.currentTimeMillis()).toString());
        event.put("platform", "native");
        event.put("level", "fatal");
        event.put("logger", "crashcap");
        event.put("sdk", Map.of("name", "crashcap", "version", version));
        event.put("tags", tags(bundle, diagnosis));
        event.put("contexts", contexts(bundle));
        event.put("exception", Map.of("values", List.of(exception(bundle, diagnosis))));
        event.put("threads", Map.of("values", threads(bundle)));
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

    private static Map<String, Object> contexts(Bundle bundle) {
        Map<String, Object> contexts = new LinkedHashMap<>();
        Map<String, Object> os = new LinkedHashMap<>();
        os.put("name", bundle.header().osName());
        contexts.put("os", os);
        Map<String, Object> runtime = new LinkedHashMap<>();
        runtime.put("name", bundle.header().jvmName());
        runtime.put("version", bundle.header().jvmVersion());
        contexts.put("runtime", runtime);
        return contexts;
    }

    private static Map<String, Object> exception(Bundle bundle, Diagnosis diagnosis) {
        ThreadInfo crashing = bundle.crashingThread();
        Map<String, Object> exception = new LinkedHashMap<>();
        String signal = bundle.crash().signalName();
        exception.put("type", signal != null ? signal : "unknown signal");
        exception.put("value", diagnosis.summary());
        if (crashing != null && crashing.tid() != null) {
            exception.put("thread_id", crashing.tid());
        }
        exception.put("mechanism", mechanism(bundle));
        if (crashing != null) {
            exception.put("stacktrace", stacktrace(crashing));
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
        return mechanism;
    }

    private static List<Object> threads(Bundle bundle) {
        ThreadInfo crashing = bundle.crashingThread();
        List<Object> threads = new ArrayList<>();
        for (ThreadInfo thread : bundle.threads()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", thread.tid());
            json.put("name", thread.name());
            json.put("crashed", thread.crashed());
            json.put("current", thread == crashing);
            if (thread.state() != null) {
                json.put("state", thread.state());
            }
            json.put("stacktrace", stacktrace(thread));
            threads.add(json);
        }
        return threads;
    }

    private static Map<String, Object> stacktrace(ThreadInfo thread) {
        List<Object> frames = new ArrayList<>();
        List<Frame> innermostFirst = thread.frames();
        for (int i = innermostFirst.size() - 1; i >= 0; i--) {
            Frame frame = innermostFirst.get(i);
            frames.add(frame instanceof NativeFrame n ? nativeFrame(n) : javaFrame((JavaFrame) frame));
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

    private static Map<String, Object> nativeFrame(NativeFrame frame) {
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
        if (frame.modulePath() != null) {
            json.put("package", frame.modulePath());
            if (frame.offset() != null) {
                json.put("image_addr", hex(frame.pc() - frame.offset()));
            }
        }
        if (frame.file() != null && frame.line() != null) {
            json.put("filename", frame.file());
            json.put("lineno", frame.line());
        }
        return json;
    }

    private static Map<String, Object> javaFrame(JavaFrame frame) {
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
            putIfSet(image, "debug_id", DebugId.debugId(module.buildId()));
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
