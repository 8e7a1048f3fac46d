package dev.crashcap.report;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Crash;
import dev.crashcap.bundle.Frame;
import dev.crashcap.bundle.Header;
import dev.crashcap.bundle.Hex;
import dev.crashcap.bundle.JavaFrame;
import dev.crashcap.bundle.JavaLock;
import dev.crashcap.bundle.LibraryCaller;
import dev.crashcap.bundle.LoadedModule;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.bundle.Signals;
import dev.crashcap.bundle.StackBounds;
import dev.crashcap.bundle.ThreadInfo;
import dev.crashcap.bundle.ThreadLocks;
import dev.crashcap.bundle.ThreadSignal;
import dev.crashcap.bundle.ThreadsSummary;
import dev.crashcap.symbols.Demangler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stable, machine-readable view of bundles: {@code inspect --json} and {@code list --json}. The field names
 * are a contract, documented in docs/bundle-format.md; add fields freely, but renaming or removing one means a
 * new {@link #SCHEMA} number. Addresses are hex strings ({@code "0x…"}) because JSON numbers cannot hold a
 * 64-bit pointer; sizes and counts are numbers. Facts the capture does not hold are {@code null}.
 */
public final class BundleJson {
    /** The schema version of both views. */
    public static final int SCHEMA = 1;
    private BundleJson() {
    }

    /** The {@code inspect --json} object of a bundle as captured (its signature is made from it). */
    public static Map<String, Object> inspect(Bundle bundle, String hsErr) {
        return inspect(bundle, hsErr, Signature.of(bundle));
    }

    /**
     * The {@code inspect --json} object; {@code signature} is {@link Signature#of} the bundle as captured, before
     * symbolization, so that it is the one {@code list} and the uploader give the same bundle.
     */
    public static Map<String, Object> inspect(Bundle bundle, String hsErr, String signature) {
        return inspect(bundle, hsErr, SignatureHistory.none(signature));
    }

    /**
     * The {@code inspect --json} object, with the history of its signature in the bundle's folder (the
     * {@code history} hint): {@code inspect} reads the sibling bundles, read-only.
     */
    public static Map<String, Object> inspect(Bundle bundle, String hsErr, SignatureHistory history) {
        String signature = history.signature();
        Diagnosis diagnosis = Diagnosis.of(bundle);
        ThreadInfo crashing = bundle.crashingThread();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schema", SCHEMA);
        json.put("kind", bundle.kind());
        json.put("path", pathOf(bundle));
        json.put("truncated", bundle.truncated());
        json.put("time", time(bundle.crash().timeEpochMillis()));
        json.put("process", process(bundle));
        json.put("jvm", jvm(bundle.header()));
        json.put("os", os(bundle.header()));
        json.put("agent", agent(bundle.header()));
        json.put("signal", signal(bundle.crash()));
        json.put("abortMessage", AbortMessage.of(bundle.crash()));
        json.put("cxxException", cxxException(bundle.crash()));
        json.put("diagnosis", DiagnosisJson.of(bundle, diagnosis, history));
        json.put("signature", signature);
        json.put("deadlocks", bundle.locks() == null ? null : bundle.locks().deadlocks());
        json.put("crashingThread", crashing == null ? null : thread(bundle, crashing));
        json.put("context", ContextJson.of(bundle));
        json.put("threads", threads(bundle));
        json.put("threadsSummary", threadsSummary(bundle.threadsSummary()));
        json.put("captureMicros", bundle.captureMicros());
        json.put("modules", modules(bundle.modules()));
        json.put("hsErr", hsErr);
        json.put("jvmError", bundle.isSnapshot() ? null : JvmErrorLine.of(hsErr));
        json.put("warnings", bundle.warnings());
        return json;
    }

    /** One element of the {@code list --json} array, for a bundle that could be read. */
    public static Map<String, Object> listEntry(Bundle bundle) {
        Diagnosis diagnosis = Diagnosis.of(bundle);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("path", pathOf(bundle));
        json.put("kind", bundle.kind());
        json.put("pid", bundle.pid());
        json.put("time", time(bundle.crash().timeEpochMillis()));
        json.put("signal", Signals.name(bundle.crash()));
        json.put("diagnosis", diagnosis.kind().jsonName());
        json.put("summary", diagnosis.summary());
        json.put("suspectModule", diagnosis.suspectModule());
        json.put("signature", Signature.of(bundle));
        json.put("uptimeMillis", bundle.crash().uptimeMillis());
        json.put("truncated", bundle.truncated());
        return json;
    }

    /** One element of the {@code list --json} array, for a bundle directory that could not be read. */
    public static Map<String, Object> listError(String path, String error) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("path", path);
        json.put("kind", null);
        json.put("pid", null);
        json.put("time", null);
        json.put("signal", null);
        json.put("diagnosis", null);
        json.put("summary", null);
        json.put("suspectModule", null);
        json.put("signature", null);
        json.put("uptimeMillis", null);
        json.put("truncated", false);
        json.put("error", error);
        return json;
    }

    /** ISO-8601 in UTC ({@code 2026-11-24T10:49:24Z}), or null. */
    public static String time(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
    }

    private static String pathOf(Bundle bundle) {
        return bundle.directory() == null ? null : bundle.directory().toString();
    }

    private static Map<String, Object> process(Bundle bundle) {
        Header header = bundle.header();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("pid", bundle.pid());
        json.put("uptimeMillis", bundle.crash().uptimeMillis());
        json.put("fdsExhausted", bundle.crash().fdsExhausted());
        json.put("fdLimit", bundle.crash().fdLimit());
        json.put("forkOf", bundle.crash().forkOf());
        json.put("startEpochMillis", header.startEpochMillis());
        json.put("cwd", header.cwd());
        json.put("args", header.args());
        json.put("env", header.env());
        return json;
    }

    private static Map<String, Object> jvm(Header header) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", header.jvmName());
        json.put("version", header.jvmVersion());
        json.put("vendor", header.jvmVendor());
        json.put("javaVersion", header.javaVersion());
        json.put("home", header.javaHome());
        return json;
    }

    private static Map<String, Object> os(Header header) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", header.osName());
        json.put("arch", header.osArch());
        return json;
    }

    private static Map<String, Object> agent(Header header) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", header.agentVersion());
        json.put("options", header.agentOptions());
        return json;
    }

    private static Map<String, Object> signal(Crash crash) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", Signals.name(crash));
        json.put("number", crash.signalNumber());
        json.put("code", crash.signalCodeName());
        json.put("codeNumber", crash.signalCode());
        json.put("codeMeaning", SignalMeaning.of(crash));
        json.put("address", hex(crash.signalAddress()));
        if (crash.senderPid() != null) {
            json.put("senderPid", crash.senderPid());
            json.put("senderUid", crash.senderUid());
        }
        json.put("tid", crash.tid());
        return json;
    }

    /** The uncaught C++ exception behind an abort, or null. */
    private static Map<String, Object> cxxException(Crash crash) {
        if (crash.cxxExceptionType() == null) {
            return null;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", Demangler.type(crash.cxxExceptionType()));
        json.put("rawType", crash.cxxExceptionType());
        json.put("what", crash.cxxExceptionWhat());
        return json;
    }

    private static List<Object> threads(Bundle bundle) {
        List<Object> json = new ArrayList<>();
        for (ThreadInfo thread : bundle.threads()) {
            json.add(thread(bundle, thread));
        }
        return json;
    }

    private static Map<String, Object> threadsSummary(ThreadsSummary summary) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("total", summary.total());
        json.put("answered", summary.answered());
        json.put("deadlineMillis", summary.deadlineMillis());
        json.put("resolver", summary.resolver());
        return json;
    }

    private static Map<String, Object> thread(Bundle bundle, ThreadInfo thread) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("tid", thread.tid());
        json.put("name", thread.name());
        json.put("java", thread.java());
        json.put("crashed", thread.crashed());
        if (thread.signal() != null) { // only on threads that crashed
            json.put("signal", threadSignal(thread.signal()));
        }
        json.put("daemon", thread.daemon());
        json.put("state", thread.state());
        json.put("stateSource", thread.stateSource());
        json.put("hotspotState", thread.hotspotState());
        if (thread.virtualThread() != null) { // only on a carrier with a virtual thread mounted
            Map<String, Object> virtual = new LinkedHashMap<>();
            virtual.put("name", thread.virtualThread().name());
            virtual.put("id", thread.virtualThread().id());
            json.put("virtualThread", virtual);
        }
        json.put("kernelState", thread.kernelState());
        json.put("missing", thread.missing());
        json.put("depth", thread.frames().size());
        json.put("frames", frames(thread.frames()));
        json.put("unwindStop", thread.unwindStop());
        ThreadLocks locks = bundle.locksOf(thread);
        json.put("locksHeld", locks == null ? null : locks.held().stream().map(BundleJson::lock).toList());
        json.put("waitingOn", locks == null || locks.waitingOn() == null ? null : waitingOn(locks));
        if (thread.crashed() || !thread.registers().isEmpty()) { // only the crashing thread has them
            json.put("registers", registers(thread.registers()));
        }
        if (thread.stack() != null || thread.stackPointer() != null) {
            json.put("stack", stack(thread));
        }
        return json;
    }

    private static Map<String, Object> lock(JavaLock lock) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("class", lock.className());
        json.put("identityHash", lock.identityHash());
        return json;
    }

    private static Map<String, Object> waitingOn(ThreadLocks locks) {
        Map<String, Object> json = lock(locks.waitingOn());
        json.put("ownerName", locks.ownerName());
        return json;
    }

    private static Map<String, Object> threadSignal(ThreadSignal signal) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", signal.name());
        json.put("number", signal.number());
        json.put("code", signal.codeName());
        json.put("address", hex(signal.address()));
        return json;
    }

    private static Map<String, Object> stack(ThreadInfo thread) {
        StackBounds bounds = thread.stack();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("low", bounds == null ? null : Hex.of(bounds.low()));
        json.put("high", bounds == null ? null : Hex.of(bounds.high()));
        json.put("size", bounds == null ? null : bounds.size());
        json.put("sp", hex(thread.stackPointer()));
        json.put("usedBytes", thread.usedStackBytes());
        return json;
    }

    private static Map<String, Object> registers(Map<String, Long> registers) {
        Map<String, Object> json = new LinkedHashMap<>();
        registers.forEach((name, value) -> json.put(name, Hex.of(value)));
        return json;
    }

    private static List<Object> frames(List<Frame> frames) {
        List<Object> json = new ArrayList<>();
        for (Frame frame : frames) {
            json.add(frame instanceof NativeFrame nativeFrame ? nativeFrame(nativeFrame) : javaFrame((JavaFrame) frame));
        }
        return json;
    }

    private static Map<String, Object> nativeFrame(NativeFrame frame) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", frame.kind());
        json.put("pc", Hex.of(frame.pc()));
        json.put("exact", frame.exact());
        json.put("module", frame.moduleName());
        json.put("modulePath", frame.modulePath());
        json.put("offset", hex(frame.offset()));
        json.put("function", frame.function());
        json.put("demangled", Demangler.demangledOrNull(frame.function()));
        json.put("functionOffset", hex(frame.functionOffset()));
        json.put("file", frame.file());
        json.put("line", frame.line());
        json.put("sp", hex(frame.sp()));
        return json;
    }

    private static Map<String, Object> javaFrame(JavaFrame frame) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", frame.kind());
        json.put("class", frame.className());
        json.put("method", frame.method());
        json.put("line", frame.line());
        json.put("nativeMethod", frame.nativeMethod());
        json.put("sourceFile", frame.sourceFile());
        json.put("frameKind", frame.frameKind());
        json.put("bci", frame.bci());
        json.put("sp", hex(frame.sp()));
        json.put("text", frame.javaStyle());
        return json;
    }

    private static List<Object> modules(List<LoadedModule> modules) {
        List<Object> json = new ArrayList<>();
        for (LoadedModule module : modules) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("path", module.path());
            entry.put("name", module.name());
            entry.put("base", Hex.of(module.base()));
            entry.put("size", module.size());
            entry.put("buildId", module.buildId());
            entry.put("deleted", module.deleted());
            entry.put("loadedBy", loadedBy(module.loadedBy()));
            json.add(entry);
        }
        return json;
    }

    static Map<String, Object> loadedBy(LibraryCaller caller) {
        if (caller == null) return null;
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("class", caller.javaClass());
        entry.put("jar", caller.jar());
        return entry;
    }

    private static String hex(Long value) {
        return value == null ? null : Hex.of(value);
    }
}
