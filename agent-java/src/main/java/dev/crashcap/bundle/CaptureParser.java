package dev.crashcap.bundle;

import static dev.crashcap.bundle.CaptureValues.decimal;
import static dev.crashcap.bundle.CaptureValues.emptyToNull;
import static dev.crashcap.bundle.CaptureValues.flag;
import static dev.crashcap.bundle.CaptureValues.text;

import dev.crashcap.secrets.Redaction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code capture.txt} (docs/capture-format.md) into a {@link Bundle}.
 *
 * <p>The file is written by a signal handler and may stop anywhere, so the parser takes what there is: every
 * complete line is read, a last line without its {@code \n} is dropped, and a value it cannot read becomes a
 * warning rather than an error. Only a file that is not a capture at all (empty, wrong first line, another
 * format version) is refused, with a {@link BundleException}. Nothing else is ever thrown.
 */
public final class CaptureParser {
    /** The first line is {@code crashcap-capture TAB <version>}. */
    public static final String MAGIC = "crashcap-capture";
    /** The format version this parser reads. */
    public static final String VERSION = "1";

    private final CaptureValues values = new CaptureValues(); // reads values, keeps the warnings
    private final Map<String, String> header = new HashMap<>();
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, String> crash = new HashMap<>();
    private final List<ThreadBuilder> threads = new ArrayList<>();
    private final Map<String, String> threadsSummary = new HashMap<>();
    private final Map<String, String> end = new HashMap<>();
    /** The start of the warning a capture without the walk through Java frames gets (docs/threads.md). */
    public static final String JAVA_WALK_WARNING = "HotSpot's code cache layout could not be used to walk through Java frames";
    private ThreadBuilder javaFramesThread; // the thread the current java-frames section belongs to
    private boolean javaFramesTidSeen;
    private final List<LoadedModule> modules = new ArrayList<>();
    private final ContextSections context = new ContextSections(values);
    private String section = "";
    private String kind = Bundle.CRASH; // a live snapshot has a snapshot section where a crash has its crash section
    private boolean complete;

    private CaptureParser() {
    }

    /**
     * @param data the bytes of capture.txt
     * @param directory the bundle directory, kept in the result (may be null)
     * @param source how to name the input in error messages (the path the user gave)
     */
    public static Bundle parse(byte[] data, Path directory, String source) throws BundleException {
        if (data.length == 0) {
            throw notACapture(source, "the file is empty");
        }
        String text = new String(data, StandardCharsets.UTF_8); // malformed bytes become U+FFFD, never an error
        List<String> lines = completeLines(text);
        if (lines.isEmpty()) {
            throw notACapture(source, "it has no complete first line");
        }
        checkFirstLine(lines.get(0), source);
        CaptureParser parser = new CaptureParser();
        if (!text.endsWith("\n")) {
            parser.values.warn("the last line was cut off mid-line and is ignored");
        }
        for (int i = 1; i < lines.size(); i++) {
            parser.accept(CaptureLine.parse(i + 1, lines.get(i)));
        }
        return parser.build(directory);
    }

    /** The lines that end with {@code \n}; what follows the last one was cut off and is not trusted. */
    private static List<String> completeLines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
            lines.add(text.substring(start, end));
            start = end + 1;
        }
        return lines;
    }

    private static void checkFirstLine(String line, String source) throws BundleException {
        String magicAndTab = MAGIC + "\t";
        if (!line.startsWith(magicAndTab)) {
            throw notACapture(source, "the first line is not '" + MAGIC + " " + VERSION + "'");
        }
        String version = line.substring(magicAndTab.length());
        if (!version.matches("[0-9]{1,9}")) {
            throw notACapture(source, "the format version is not a number");
        }
        if (!version.equals(VERSION)) {
            throw new BundleException("unsupported capture format version " + version + " in " + source
                    + " (this crashcap reads version " + VERSION + "; use a newer crashcap)");
        }
    }

    private static BundleException notACapture(String source, String why) {
        return new BundleException("not a crashcap bundle: " + source + " (" + why + ")");
    }

    private void accept(CaptureLine line) {
        if (line.key().equals("section")) {
            startSection(line.value(0) == null ? "" : line.value(0));
            return;
        }
        switch (section) {
            case "header" -> headerLine(line);
            case "crash", "snapshot" -> crash.put(line.key(), line.value(0));
            case "thread" -> threadLine(threads.get(threads.size() - 1), line);
            case "threads" -> threadsSummary.put(line.key(), line.value(0));
            case "java-frames" -> javaFramesLine(line);
            case "modules" -> moduleLine(line);
            case "libraries" -> libraryLine(line);
            case "end" -> endLine(line);
            default -> context.accept(section, line); // crash-memory, vm, host; other sections are skipped by design
        }
    }

    private void startSection(String name) {
        section = name;
        if (name.equals("snapshot")) {
            kind = Bundle.SNAPSHOT;
        }
        javaFramesThread = null;
        javaFramesTidSeen = false;
        if (name.equals("thread")) {
            threads.add(new ThreadBuilder());
        }
    }

    private void headerLine(CaptureLine line) {
        switch (line.key()) {
            case "arg" -> args.add(line.value(0) == null ? "" : Redaction.text(line.value(0)));
            case "env" -> {
                if (line.value(0) != null) {
                    env.put(line.value(0), line.value(1) == null ? "" : Redaction.text(line.value(1)));
                }
            }
            default -> header.put(line.key(), line.value(0));
        }
    }

    private void threadLine(ThreadBuilder thread, CaptureLine line) {
        switch (line.key()) {
            case "reg" -> register(thread, line);
            case "stack" -> stack(thread, line);
            case "frame" -> thread.frames.add(line, values);
            default -> thread.scalars.put(line.key(), line.value(0));
        }
    }

    /**
     * The crashing thread's Java frames, resolved after every thread was collected: a {@code tid} line names the
     * thread. Its frames name, in order, the Java frames its own section placed among the native ones; frames
     * beyond those (older captures placed none) are appended to that thread's.
     */
    private void javaFramesLine(CaptureLine line) {
        if (line.key().equals("tid")) {
            javaFramesTidSeen = true;
            javaFramesThread = threadWithTid(line.valueOrNull(0));
            if (javaFramesThread != null) {
                javaFramesThread.frames.startNaming();
            }
            if (javaFramesThread == null) {
                values.warn("line " + line.number() + ": java-frames for a thread that is not in the capture, skipped");
            }
        } else if (line.key().equals("state") && javaFramesThread != null) {
            // The crashing thread's Java state is known only once the other threads were collected: written here.
            // The thread section's own state (read by the handler) wins; so does its source.
            javaFramesThread.scalars.putIfAbsent("state", line.valueOrNull(0));
        } else if (line.key().equals("state.source") && javaFramesThread != null) {
            javaFramesThread.scalars.putIfAbsent("state.source", line.valueOrNull(0));
        } else if (line.key().equals("name") && javaFramesThread != null && line.valueOrNull(0) != null) {
            // The crashing thread's name now, when it was renamed after crashcap registered it: it wins.
            javaFramesThread.scalars.put("name", line.value(0));
            javaFramesThread.scalars.put("java", "1");
        } else if (line.key().equals("frame") && javaFramesThread != null) {
            javaFramesThread.frames.add(line, values);
        } else if (line.key().equals("frame") && !javaFramesTidSeen) {
            javaFramesTidSeen = true; // one warning for the section
            values.warn("line " + line.number() + ": java-frames without a tid: its frames are skipped");
        }
    }

    private ThreadBuilder threadWithTid(String tid) {
        Long wanted = decimal(tid);
        for (ThreadBuilder thread : threads) {
            if (wanted != null && wanted.equals(decimal(thread.scalars.get("tid")))) {
                return thread;
            }
        }
        return null;
    }

    private void endLine(CaptureLine line) {
        if (line.key().equals("end")) {
            complete |= "complete".equals(line.value(0));
        } else {
            end.put(line.key(), line.value(0));
        }
    }

    private void register(ThreadBuilder thread, CaptureLine line) {
        Long value = Hex.parse(line.value(1));
        if (line.valueOrNull(0) == null || value == null) {
            values.warn("line " + line.number() + ": unreadable register, skipped");
            return;
        }
        thread.registers.put(line.value(0), value);
    }

    private void stack(ThreadBuilder thread, CaptureLine line) {
        Long low = Hex.parse(line.value(0));
        Long high = Hex.parse(line.value(1));
        if (low == null || high == null) {
            values.warn("line " + line.number() + ": unreadable stack bounds, skipped");
            return;
        }
        thread.stack = new StackBounds(low, high);
    }

    private void moduleLine(CaptureLine line) {
        if (!line.key().equals("module")) {
            return;
        }
        Long base = Hex.parse(line.value(0));
        Long size = Hex.parse(line.value(1));
        String path = line.valueOrNull(3);
        if (base == null || size == null || path == null) {
            values.warn("line " + line.number() + ": unreadable module line, skipped");
            return;
        }
        String name = LoadedModule.withoutDeletedSuffix(path);
        boolean deleted = "deleted".equals(line.valueOrNull(4)) || !name.equals(path);
        modules.add(new LoadedModule(name, base, size, line.valueOrNull(2), deleted));
    }

    private Bundle build(Path directory) {
        Header builtHeader = buildHeader();
        Crash builtCrash = buildCrash();
        List<ThreadInfo> builtThreads = new ArrayList<>();
        for (ThreadBuilder thread : threads) {
            builtThreads.add(buildThread(thread, builtCrash));
        }
        if (!complete) {
            String where = section.isEmpty() ? "before its first section" : "in section '" + section + "'";
            values.warn("the capture has no 'end complete' line: it was cut off " + where);
        }
        ThreadsSummary summary = new ThreadsSummary(values.integer(threadsSummary, "threads", "threads.total"),
                values.integer(threadsSummary, "threads", "threads.answered"),
                values.decimal(threadsSummary, "threads", "threads.deadlineMillis"),
                CaptureValues.emptyToNull(threadsSummary.get("threads.resolver")));
        HotSpotLayouts.warn(threadsSummary, values);
        ResolverStatus.warn(summary.resolver(), values);
        Long captureMicros = values.decimal(end, "end", "capture.micros");
        return new Bundle(directory, builtHeader, builtCrash, List.copyOf(builtThreads), summary,
                List.copyOf(modules), captureMicros, !complete, values.warnings(), kind, null,
                context.build(text(header, "jvm.info")));
    }

    private Header buildHeader() {
        return new Header(text(header, "agent.version"), text(header, "agent.options"),
                text(header, "jvm.name"), text(header, "jvm.version"), text(header, "jvm.vendor"),
                text(header, "java.version"), text(header, "java.home"), text(header, "os.name"),
                text(header, "os.arch"), values.decimal(header, "header", "process.pid"),
                values.decimal(header, "header", "process.startEpochMillis"), text(header, "process.cwd"),
                List.copyOf(args), Collections.unmodifiableMap(new LinkedHashMap<>(env)), text(header, "os.version"),
                text(header, "os.distribution.name"), text(header, "os.distribution.version"),
                text(header, "host.name"), text(header, "app.release"), text(header, "app.environment"),
                text(header, "app.inApp"));
    }

    private Crash buildCrash() {
        Integer number = values.integer(crash, "crash", "signal.number");
        Integer code = values.integer(crash, "crash", "signal.code");
        Long address = FaultAddress.of(number, text(crash, "signal.name"), code, text(crash, "signal.codeName"),
                values.hex(crash, "crash", "signal.address"));
        return new Crash(values.decimal(crash, "crash", "time.epochMillis"),
                values.decimal(crash, "crash", "process.pid"), values.decimal(crash, "crash", "process.uptimeMillis"),
                number, text(crash, "signal.name"), code, text(crash, "signal.codeName"), address,
                values.decimal(crash, "crash", "signal.senderPid"), values.decimal(crash, "crash", "signal.senderUid"),
                values.decimal(crash, "crash", "thread.tid"),
                // written raw by the signal handler, which cannot redact; older agents redacted by name only
                Redaction.text(text(crash, "abort.message")),
                text(crash, "cxx.exceptionType"), Redaction.text(text(crash, "cxx.what")),
                text(crash, "process.fdsExhausted"), values.decimal(crash, "crash", "process.fdLimit"),
                values.decimal(crash, "crash", "process.forkOf"));
    }

    private ThreadInfo buildThread(ThreadBuilder thread, Crash crash) {
        Map<String, String> scalars = thread.scalars;
        Long tid = values.decimal(scalars, "thread", "tid");
        boolean crashed = "1".equals(scalars.get("crashed"));
        List<Frame> frames = thread.frames.frames;
        if (crashed && thread.frames.withoutExactness && !frames.isEmpty()
                && frames.get(0) instanceof NativeFrame top && !top.exact()) {
            // Captures from before frames said whether their pc is exact: frame 0 of a thread that crashed was.
            frames.set(0, new NativeFrame(top.pc(), top.modulePath(), top.offset(), top.function(),
                    top.functionOffset(), true));
        }
        return new ThreadInfo(tid, text(scalars, "name"), "1".equals(scalars.get("java")), crashed,
                crashed ? threadSignal(scalars, tid, crash) : null, text(scalars, "state"), text(scalars, "kstate"),
                text(scalars, "missing"), Collections.unmodifiableMap(new LinkedHashMap<>(thread.registers)),
                thread.stack, values.hex(scalars, "thread", "stack.sp"), List.copyOf(frames),
                text(scalars, "unwind.stop"), flag(scalars.get("daemon")), text(scalars, "hotspotState"),
                VirtualThread.of(scalars, values), text(scalars, "state.source"));
    }

    /**
     * A thread that crashed while the capture ran has its own {@code signal.*} lines; the thread the crash section
     * names has its signal there.
     */
    private ThreadSignal threadSignal(Map<String, String> scalars, Long tid, Crash crash) {
        boolean own = scalars.keySet().stream().anyMatch(key -> key.startsWith("signal."));
        boolean named = crash.tid() == null || crash.tid().equals(tid);
        if (!own && named) {
            return new ThreadSignal(crash.signalNumber(), Signals.name(crash), crash.signalCodeName(),
                    crash.signalAddress());
        }
        Integer number = values.integer(scalars, "thread", "signal.number");
        String name = text(scalars, "signal.name");
        if (name == null && number != null) {
            name = Signals.name(number);
        }
        String codeName = text(scalars, "signal.codeName");
        Long address = FaultAddress.of(number, name, values.integer(scalars, "thread", "signal.code"), codeName,
                values.hex(scalars, "thread", "signal.address"));
        return new ThreadSignal(number, name, codeName, address);
    }

    /** {@code library <path> <class> <jar>}: joined to the module of that path (or, failing that, file name). */
    private void libraryLine(CaptureLine line) {
        String path = line.value(0);
        if (!line.key().equals("library") || path == null) {
            return;
        }
        LibraryCaller caller = new LibraryCaller(emptyToNull(line.valueOrNull(1)), emptyToNull(line.valueOrNull(2)));
        int index = moduleIndex(path);
        if (index >= 0) {
            modules.set(index, modules.get(index).withLoadedBy(caller));
        }
    }

    private int moduleIndex(String path) {
        for (int i = 0; i < modules.size(); i++) {
            if (path.equals(modules.get(i).path())) return i;
        }
        String name = LoadedModule.nameOf(path);
        for (int i = 0; i < modules.size(); i++) {
            if (name.equals(modules.get(i).name())) return i;
        }
        return -1;
    }

    /** A thread section while it is read; its lines may come in any order. */
    private static final class ThreadBuilder {
        final Map<String, String> scalars = new HashMap<>();
        final Map<String, Long> registers = new LinkedHashMap<>();
        final CaptureFrames frames = new CaptureFrames();
        StackBounds stack;
    }
}
