package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.fail;

import dev.crashcap.bundle.CaptureParser;
import dev.crashcap.bundle.JsonReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What must hold for every bundle, whatever the test: checked on each {@code inspect --json} an integration test
 * reads ({@link Inspect#json}), against oracles that do not share crashcap's code.
 * <ul>
 * <li>every native frame lies in the module it names: {@code base <= pc < base + size} ({@code pc - 1} for a return
 * address: the call it returns to belongs there), {@code offset = pc - base}; a frame without a module lies in no
 * module; {@code exact} is true for frame 0 and the frame a signal interrupted, false for
 * every return address;</li>
 * <li>every module is where the kernel says the file was mapped, under the file's path (no " (deleted)" in a name):
 * the process's maps (and {@code deleted} where the maps say "(deleted)"), for a crash as HotSpot printed them in
 * hs_err ("Dynamic libraries:"), for a snapshot
 * {@code /proc/PID/maps} of the still-running process, read right after the dump. A crash without hs_err (abort,
 * most stack overflows) has no maps to compare with: only this check is skipped then;</li>
 * <li>crashcap's own library stays on disk (gdb, core readers and crashcap itself read its unwind tables and
 * symbols there);</li>
 * <li>the module file on disk is the one that was mapped (same build-id), and the frame's function is the
 * symbol binutils' {@code nm} finds at that offset in it or its separate debug file ({@link SymbolOracle}); a caller's return address is looked up at
 * {@code offset - 1} (the call, which may be the last instruction of its function), frame 0 of a thread and the
 * frame a signal interrupted (the one after {@code __restore_rt}) at {@code offset}. Not for a module whose file was
 * deleted or replaced while mapped ({@code deleted}): the file that ran is gone;</li>
 * <li>hs_err as the oracle for the crashing thread: its "Native frames:" that have a module ({@code C  [lib+0x…]},
 * {@code V  [libjvm.so+0x…]}) appear in crashcap's crashing thread (the tid hs_err names), same order, same module,
 * same offset; and, where crashcap walked through Java frames (the bundle does not warn that it could not), hs_err's
 * Java frames ({@code j}, {@code J}: class and method) and call stubs ({@code v ~StubRoutines::call_stub}) too, in the
 * same order among them (after a fatal error that was no signal, from below hs_err's own {@code VMError::} frames,
 * which the thread had left when it aborted);</li>
 * <li>frames are in stack order: each frame's sp (where the capture has one) is at or above the previous frame's.</li>
 * </ul>
 * All problems are collected and reported at once, with the thread and frame they were found in.
 */
final class BundleInvariants {
    private static final Pattern HS_ERR_FRAME = Pattern.compile("^([CV])\\s+\\[([^\\]]+)\\+0x([0-9a-f]+)\\].*$");
    /** {@code j  com.x.Foo.bar(I)V+5 java.base@17}, {@code J 254 c2 com.x.Foo.bar(I)V (19 bytes) @ 0x…}: class.method. */
    private static final Pattern HS_ERR_JAVA_FRAME = Pattern.compile("^(?:j|J \\d+%?(?: c[12])?)\\s+([^\\s(]+)\\(.*$");
    private static final Pattern HS_ERR_NO_SIGNAL = Pattern.compile("^#\\s+(Internal Error|Out of Memory Error) \\(");
    private static final Pattern HS_ERR_CURRENT = Pattern.compile("^Current thread .*\\bid=(\\d+)");
    private static final Map<String, String> BUILD_IDS = new ConcurrentHashMap<>();
    /** libcrashcap.so, libcrashcap.so.1, libcrashcap-0.1.0.so; not the test library libcrashcaptest.so. */
    private static final Pattern OWN_LIBRARY = Pattern.compile("libcrashcap(\\.so.*|-.*)");

    private final Map<String, Object> json;
    private final List<String> problems = new ArrayList<>();
    private final List<Map<String, Object>> modules;
    private final String unseenFolder;

    private BundleInvariants(Map<String, Object> json, String unseenFolder) {
        this.json = json;
        this.unseenFolder = unseenFolder;
        this.modules = Inspect.objects(json, "modules");
    }

    /** Fails with every broken invariant of the bundle {@code json} ({@code inspect --json}). */
    static void check(Map<String, Object> json) throws IOException, InterruptedException {
        check(json, null);
    }

    /**
     * {@link #check(Map)} for a process whose files under {@code unseenFolder} (its own /tmp, in a mount namespace
     * that ended with it) this test cannot see: the on-disk checks skip those files, everything else is checked.
     */
    static void check(Map<String, Object> json, String unseenFolder) throws IOException, InterruptedException {
        BundleInvariants check = new BundleInvariants(json, unseenFolder);
        check.modulesAgainstMaps();
        for (Map<String, Object> thread : Inspect.objects(json, "threads")) {
            check.frames(thread);
        }
        check.againstHsErr();
        if (!check.problems.isEmpty()) {
            fail("bundle " + json.get("path") + " breaks " + check.problems.size() + " invariant(s):\n  "
                    + check.problems.stream().limit(40).collect(Collectors.joining("\n  "))
                    + (check.problems.size() > 40 ? "\n  …" : ""));
        }
    }

    /** The maps the process had when the bundle was written, or null where there is no oracle. */
    private ProcessMaps maps() throws IOException {
        if ("snapshot".equals(json.get("kind"))) {
            Object pid = JsonReader.get(json, "process.pid");
            return pid instanceof Long live && sameProcess(live) ? ProcessMaps.ofProcess(live) : null;
        }
        String hsErr = (String) json.get("hsErr");
        return hsErr == null || !Files.isRegularFile(Path.of(hsErr)) ? null : ProcessMaps.ofHsErr(Files.readString(Path.of(hsErr)));
    }

    private void modulesAgainstMaps() throws IOException {
        for (Map<String, Object> module : modules) {
            String path = (String) module.get("path");
            if (path.endsWith(" (deleted)")) {
                problems.add("module " + path + ": the kernel's \" (deleted)\" suffix is not part of the file's name");
            }
            if (!Objects.equals(module.get("name"), Path.of(path).getFileName().toString())) {
                problems.add("module " + path + " is named " + module.get("name"));
            }
            boolean own = OWN_LIBRARY.matcher(String.valueOf(module.get("name"))).matches();
            if (own && (Boolean.TRUE.equals(module.get("deleted")) || !Files.isRegularFile(Path.of(path)) && !unseen(path))) {
                problems.add("crashcap's own library " + path + " is not on disk: gdb and core readers cannot unwind"
                        + " through it, nor can crashcap name its frames");
            }
        }
        ProcessMaps maps = maps();
        if (maps == null) {
            return;
        }
        for (Map<String, Object> module : modules) {
            String path = (String) module.get("path");
            long base = unsignedHex((String) module.get("base"));
            long end = base + (Long) module.get("size");
            List<ProcessMaps.Mapping> mapped = maps.of(path);
            if (!mapped.isEmpty() && !Objects.equals(module.get("deleted"), mapped.get(0).deleted())) {
                problems.add("module " + path + ": deleted is " + module.get("deleted") + ", the process maps say "
                        + (mapped.get(0).deleted() ? "(deleted)" : "the file is there"));
            }
            if (mapped.isEmpty()) {
                problems.add("module " + path + " at " + hex(base) + ": the process maps no file of that path");
            } else if (mapped.get(0).start() != base || mapped.get(mapped.size() - 1).end() != end) {
                problems.add("module " + path + " is " + hex(base) + "-" + hex(end) + ", the process maps it at "
                        + hex(mapped.get(0).start()) + "-" + hex(mapped.get(mapped.size() - 1).end()));
            }
        }
    }

    private void frames(Map<String, Object> thread) throws IOException, InterruptedException {
        List<Map<String, Object>> frames = Inspect.objects(thread, "frames");
        String where = "thread " + thread.get("tid") + " \"" + thread.get("name") + "\"";
        boolean exact = true; // frame 0: where the thread was stopped
        long lastSp = 0;
        for (int i = 0; i < frames.size(); i++) {
            Map<String, Object> frame = frames.get(i);
            // Stack order: each frame's sp is at or above the one before it (a caller's frame lies above its callee's;
            // an inlined frame has the sp of the compiled frame it was inlined into). Not across a signal frame: the
            // interrupted code's stack may be anywhere (an alternate signal stack lies elsewhere).
            if (frame.get("sp") != null) {
                long sp = unsignedHex((String) frame.get("sp"));
                if (Long.compareUnsigned(sp, lastSp) < 0) {
                    problems.add(where + " frame #" + i + ": sp " + hex(sp) + " below the previous frame's " + hex(lastSp)
                            + ": frames out of stack order");
                }
                lastSp = "__restore_rt".equals(frame.get("function")) ? 0 : sp;
            }
            if (!"native".equals(frame.get("kind"))) {
                exact = false;
                continue;
            }
            frame(frame, where + " frame #" + i, exact);
            exact = "__restore_rt".equals(frame.get("function")); // the next frame was interrupted by a signal
        }
    }

    private void frame(Map<String, Object> frame, String where, boolean exact) throws IOException, InterruptedException {
        long pc = unsignedHex((String) frame.get("pc"));
        String name = (String) frame.get("module");
        String path = (String) frame.get("modulePath");
        if (!Objects.equals(exact, frame.get("exact"))) {
            problems.add(where + ": exact is " + frame.get("exact") + ", but this frame "
                    + (exact ? "is where the thread was stopped" : "is a caller's return address"));
        }
        // A return address belongs to the call before it: module and function are those of pc - 1 (a call to a
        // function that never returns can be the last instruction of a function, or of a module's code).
        long site = exact ? pc : pc - 1;
        if (name == null) {
            for (Map<String, Object> module : modules) {
                if (inModule(module, site)) {
                    problems.add(where + ": pc " + hex(pc) + " has no module, but lies in " + module.get("path"));
                }
            }
            return;
        }
        Map<String, Object> module = modules.stream().filter(m -> Objects.equals(path, m.get("path"))).findFirst().orElse(null);
        if (module == null) {
            if (!modules.isEmpty()) { // a capture cut off before its modules section has none to compare with
                problems.add(where + ": module " + path + " is not in the bundle's modules");
            }
        } else {
            long base = unsignedHex((String) module.get("base"));
            if (!name.equals(module.get("name"))) {
                problems.add(where + ": module name " + name + " but the module at " + path + " is " + module.get("name"));
            }
            if (!inModule(module, site)) {
                problems.add(where + ": pc " + hex(pc) + (exact ? "" : " - 1") + " lies outside " + name + " (" + hex(base) + "+"
                        + hex((Long) module.get("size")) + ")");
            }
            if (frame.get("offset") == null || unsignedHex((String) frame.get("offset")) != pc - base) {
                problems.add(where + ": offset " + frame.get("offset") + " in " + name + ", but pc - base is " + hex(pc - base));
            }
        }
        if (frame.get("offset") != null) {
            symbol(frame, where, unsignedHex((String) frame.get("offset")), exact, module);
        }
    }

    /** The function crashcap names at {@code offset} is the one the module file's symbol table has there. */
    private void symbol(Map<String, Object> frame, String where, long offset, boolean exact, Map<String, Object> module)
            throws IOException, InterruptedException {
        String path = (String) frame.get("modulePath");
        if (path.startsWith("[")) {
            return; // [vdso]: no file to read (its symbols are in memory only)
        }
        if (module != null && Boolean.TRUE.equals(module.get("deleted"))) {
            return; // the file that ran is gone (deleted or replaced while mapped): no symbol table to compare with
        }
        Path file = Path.of(path);
        if (unseen(path)) {
            return;
        }
        if (!Files.isRegularFile(file)) {
            problems.add(where + ": module file " + path + " is not on disk, its symbols cannot be checked (nor read by gdb)");
            return;
        }
        Object buildId = module == null ? null : module.get("buildId");
        if (buildId != null && !buildId.equals(buildIdOf(file))) {
            problems.add(where + ": module " + path + " has build-id " + buildId + " in the bundle, " + buildIdOf(file) + " on disk");
            return;
        }
        SymbolOracle symbols = SymbolOracle.of(file, buildIdOf(file));
        long lookup = exact ? offset : offset - 1;
        List<String> there = symbols.containing(lookup).stream().map(SymbolOracle.Symbol::name).distinct().toList();
        String function = (String) frame.get("function");
        String at = (exact ? "pc " : "return address ") + hex(offset) + " in " + frame.get("module");
        if (function == null) {
            if (!there.isEmpty()) {
                problems.add(where + ": no function named at " + at + ", nm says " + there);
            }
            return;
        }
        Object functionOffset = frame.get("functionOffset");
        if (functionOffset == null) {
            problems.add(where + ": " + function + " at " + at + " without functionOffset");
            return;
        }
        long value = offset - unsignedHex((String) functionOffset);
        boolean known = !symbols.named(function, value).isEmpty();
        if (!there.isEmpty() ? !there.contains(function) || !known : !known) {
            problems.add(where + ": " + function + "+" + functionOffset + " at " + at + ", nm says "
                    + (there.isEmpty() ? "no sized symbol holds " + hex(lookup) + " and none " + function + " at " + hex(value) : there));
        }
    }

    /** hs_err's native frames of the crashing thread, down to the first Java frame, are in crashcap's, in order. */
    private void againstHsErr() throws IOException {
        String hsErrPath = (String) json.get("hsErr");
        if (!"crash".equals(json.get("kind")) || Boolean.TRUE.equals(json.get("truncated")) || hsErrPath == null
                || !Files.isRegularFile(Path.of(hsErrPath))) {
            return;
        }
        List<String> lines = Files.readString(Path.of(hsErrPath)).lines().toList();
        // In a child forked from the JVM, hs_err names the thread by the id HotSpot recorded in the parent (its
        // OSThread's): the child's only thread, the crashing one, is compared then.
        boolean forked = Inspect.object(json, "process").get("forkOf") != null;
        Long tid = forked ? null : lines.stream().map(HS_ERR_CURRENT::matcher).filter(Matcher::find)
                .map(m -> Long.valueOf(m.group(1))).findFirst().orElse(null);
        Map<String, Object> thread = tid == null ? Inspect.object(json, "crashingThread")
                : Inspect.objects(json, "threads").stream().filter(t -> tid.equals(t.get("tid"))).findFirst().orElse(null);
        if (thread == null) {
            problems.add("hs_err's crashing thread " + tid + " is not in the bundle");
            return;
        }
        int start = -1;
        for (int i = 0; i < lines.size() && start < 0; i++) {
            start = lines.get(i).startsWith("Native frames:") ? i : -1; // the first: the crashing thread's
        }
        if (start < 0) {
            return; // hs_err cut short before the stack: nothing to compare
        }
        // With the walk through Java frames, hs_err's Java frames (j, J) and the call stub (v) are compared too, by
        // method; without it (the bundle warns) crashcap's native frames end where Java code begins.
        boolean walked = ((List<?>) json.getOrDefault("warnings", List.of())).stream()
                .noneMatch(w -> String.valueOf(w).startsWith(CaptureParser.JAVA_WALK_WARNING));
        // A fatal error that was no signal (an OutOfMemoryError with CrashOnOutOfMemoryError, a failed guarantee): hs_err
        // printed the thread's stack from inside VMError's reporting code, which the thread had left by the time it
        // called abort() and crashcap took its stack. Those frames (named VMError::…) are at other pcs; the frames
        // below them (report_fatal and its callers) are the same return addresses and are compared.
        boolean noSignal = lines.stream().limit(64).anyMatch(l -> HS_ERR_NO_SIGNAL.matcher(l).find());
        List<String> expected = new ArrayList<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (noSignal && expected.isEmpty() && line.contains("VMError::")) {
                continue;
            }
            Matcher m = HS_ERR_FRAME.matcher(line);
            Matcher java = HS_ERR_JAVA_FRAME.matcher(line);
            if (m.matches()) {
                expected.add(m.group(2) + "+0x" + m.group(3));
            } else if (walked && java.matches()) {
                if (!java.group(1).contains("$$Lambda")) { // a hidden class: HotSpot and Class.getName() spell it apart
                    // Other hidden classes (LambdaForm$MH, FFM's DowncallStub): hs_err writes Name+0x…, Class.getName()
                    // and crashcap Name/0x….
                    expected.add(java.group(1).replaceFirst("\\+(0x[0-9a-fA-F]+)\\.", "/$1."));
                }
            } else if (walked && line.startsWith("v  ~StubRoutines::call_stub")) {
                expected.add("StubRoutines::call_stub");
            } else {
                break; // the end, or (without the walk) the first Java frame: crashcap's native frames end there
            }
        }
        List<String> actual = Inspect.objects(thread, "frames").stream().map(BundleInvariants::hsErrStyle)
                .filter(Objects::nonNull).toList();
        int next = 0;
        for (String frame : expected) {
            int found = -1;
            for (int j = next; j < actual.size() && found < 0; j++) {
                // A Java frame the resolver could not name (a crash before it was ready) stands for any Java frame.
                boolean unnamedJava = actual.get(j).startsWith("?.") && !frame.contains("+0x") && !frame.startsWith("StubRoutines");
                if (actual.get(j).equals(frame) || unnamedJava) {
                    found = j - next;
                }
            }
            if (found < 0) {
                problems.add("hs_err's native frame " + frame + " of thread " + thread.get("tid")
                        + " is not in crashcap's, in order: hs_err " + expected + ", crashcap " + actual);
                return;
            }
            next += found + 1;
        }
    }

    /** A frame as hs_err's comparison spells it: {@code lib.so+0x…}, {@code class.method}, a stub's name; or null. */
    private static String hsErrStyle(Map<String, Object> frame) {
        if ("java".equals(frame.get("kind"))) {
            return frame.get("class") + "." + frame.get("method");
        }
        if (frame.get("module") != null) {
            return frame.get("module") + "+" + hex(unsignedHex((String) frame.get("offset")));
        }
        return (String) frame.get("function");
    }

    /**
     * {@code /proc/<pid>} is the process of the bundle (not another one with that pid, nor, for a process in a pid
     * namespace, the host's process of its in-namespace pid): the same command line, redacted values aside.
     */
    private boolean sameProcess(long pid) throws IOException {
        Path cmdline = Path.of("/proc/" + pid + "/cmdline");
        if (!Files.isRegularFile(cmdline)) {
            return false;
        }
        List<String> args = List.of(Files.readString(cmdline).split("\0"));
        @SuppressWarnings("unchecked")
        List<String> captured = (List<String>) JsonReader.get(json, "process.args");
        if (args.size() != captured.size()) {
            return false;
        }
        for (int i = 0; i < args.size(); i++) {
            if (!captured.get(i).contains("<redacted>") && !captured.get(i).equals(args.get(i))) {
                return false;
            }
        }
        return true;
    }

    private boolean unseen(String path) {
        return unseenFolder != null && path.startsWith(unseenFolder);
    }

    private static boolean inModule(Map<String, Object> module, long pc) {
        long base = unsignedHex((String) module.get("base"));
        return Long.compareUnsigned(base, pc) <= 0 && Long.compareUnsigned(pc - base, (Long) module.get("size")) < 0;
    }

    private static String buildIdOf(Path file) throws IOException, InterruptedException {
        String key = file + "\0" + Files.getLastModifiedTime(file).toMillis();
        String cached = BUILD_IDS.get(key);
        if (cached == null) {
            String read = SymbolOracle.buildId(file);
            cached = read == null ? "" : read;
            BUILD_IDS.put(key, cached);
        }
        return cached.isEmpty() ? null : cached;
    }

    /** "0x…" as an unsigned 64-bit value (a garbage frame may be above Long.MAX_VALUE). */
    static long unsignedHex(String hex) {
        return Long.parseUnsignedLong(hex.startsWith("0x") ? hex.substring(2) : hex, 16);
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
