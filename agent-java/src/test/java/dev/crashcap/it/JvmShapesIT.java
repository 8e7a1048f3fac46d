package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.Crasher;
import dev.crashcap.testapp.OwnHandlerCrasher;
import dev.crashcap.testapp.VirtualThreadCrasher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same JNI crash under the JVM shapes users run and the other tests do not: each GC, references and object
 * headers of every width, interpreter only and compiler variants, a small thread stack, {@code -Xrs}, libjsig's
 * signal chaining, a JNI library with its own SIGSEGV handler, an unwritable {@code -XX:ErrorFile}, and a core
 * dump. Each crash must end as without crashcap (exit status, hs_err written, a core where the kernel writes one),
 * and its bundle must hold: {@link BundleInvariants} (every frame in its module, hs_err's frames in order), the
 * crashing thread named (on JDK 21+ a virtual thread, named on its carrier: the handler reads its name from the heap,
 * where GCs and headers differ), its Java frames named, the hs_err path HotSpot printed, and no warning that a
 * HotSpot layout could not be used. A few shapes also take a live {@code crashcap dump}. docs/jvm-shapes.md lists
 * the shapes. One crash per shape: this JDK's ({@code -Dcrashcap.test.javaHome}); a shape the JDK lacks is skipped.
 */
class JvmShapesIT {
    private static final Pattern HS_ERR_SAVED =
            Pattern.compile("# An error report file with more information is saved as:\\R# (\\S+)");
    private static final String CORE_EXIT_REFUSED = "97";

    @TempDir
    Path work;

    /**
     * A JVM shape: its options, environment, and the crash it runs (null: the core one, by JDK). {@code mayWarn}: a
     * virtual thread may go unnamed there, the bundle then warning about its carrier (never named wrong).
     */
    record Shape(String name, List<String> options, String env, String mainClass, boolean mayWarn) {
        Shape(String name, String... options) {
            this(name, List.of(options), null, null, false);
        }

        Shape(String name, List<String> options, String env, String mainClass) {
            this(name, options, env, mainClass, false);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Shape> crashShapes() {
        List<Shape> shapes = new ArrayList<>(List.of(
                new Shape("SerialGC", "-XX:+UseSerialGC"),
                new Shape("ParallelGC", "-XX:+UseParallelGC"),
                new Shape("ZGC", "-XX:+UseZGC"),
                // A ZGC cycle always running: references the GC has not fixed yet are not followed (docs/threads.md).
                new Shape("ZGC, always collecting", List.of("-XX:+UseZGC", "-XX:ZCollectionInterval=0.005"), null, null, true),
                new Shape("ShenandoahGC", "-XX:+UseShenandoahGC"),
                new Shape("no compressed oops", "-XX:-UseCompressedOops"),
                new Shape("no compressed class pointers", "-XX:-UseCompressedClassPointers"),
                new Shape("compact object headers", "-XX:+UnlockExperimentalVMOptions", "-XX:+UseCompactObjectHeaders"),
                new Shape("Xint", "-Xint"),
                new Shape("Xcomp", "-Xcomp"),
                new Shape("C1 only", "-XX:TieredStopAtLevel=1"),
                new Shape("one code heap", "-XX:-SegmentedCodeCache"),
                new Shape("small Xss", "-Xss256k"),
                new Shape("Xrs", "-Xrs"),
                new Shape("libjsig", List.of(), "LD_PRELOAD", null),
                new Shape("own SIGSEGV handler", List.of(), null, OwnHandlerCrasher.class.getName()),
                new Shape("unwritable ErrorFile", "-XX:ErrorFile=/proc/crashcap-unwritable/hs_err_pid%p.log"),
                new Shape("core dump", List.of("-XX:+UseSerialGC", "-Xmx32m"), "ulimit -c unlimited", null)));
        return shapes.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("crashShapes")
    void aJniCrashEndsAsWithoutTheAgentAndItsBundleHolds(Shape shape) throws Exception {
        // The always-collecting shape is about virtual threads' references: nothing to see before JDK 21.
        assumeTrue(!shape.mayWarn() || TestJvm.featureVersion() >= 21, "no virtual threads before JDK 21");
        boolean core = "ulimit -c unlimited".equals(shape.env());
        List<String> prefix = core ? List.of("sh", "-c", "ulimit -c unlimited || exit " + CORE_EXIT_REFUSED
                + "; exec \"$@\"", "sh") : List.of();
        Map<String, String> env = "LD_PRELOAD".equals(shape.env())
                ? Map.of("LD_PRELOAD", TestJvm.JAVA_HOME.resolve("lib/libjsig.so").toString()) : Map.of();
        boolean virtual = TestJvm.featureVersion() >= 21 && shape.mainClass() == null;
        List<String> options = new ArrayList<>(shape.options());
        List<String> args = new ArrayList<>();
        String main = shape.mainClass();
        if (main == null && virtual) {
            main = VirtualThreadCrasher.class.getName();
            options.add("-Djdk.virtualThreadScheduler.parallelism=2");
        } else if (main == null) {
            main = Crasher.class.getName();
            args.add("segv");
        }

        // Without the agent first: a JDK without the shape (no Shenandoah, no compact headers) refuses to start.
        Path plainWork = work.resolve("without-agent");
        TestJvm.Result without = TestJvm.run(plainWork, TestJvm.command(prefix, options, main, args.toArray(String[]::new)), env);
        assumeFalse(String.valueOf(without.exitCode()).equals(CORE_EXIT_REFUSED), "the shell may not raise the core limit");
        assumeFalse(without.exitCode() == 1 && without.stderr().contains("Could not create the Java Virtual Machine"),
                "this JDK has no " + shape + ": " + without.stderr().lines().findFirst().orElse(""));
        Path armedWork = work.resolve("with-agent");
        Path bundles = armedWork.resolve("bundles");
        List<String> armed = new ArrayList<>(List.of("-javaagent:" + TestJvm.JAR + "=dir=" + bundles));
        armed.addAll(options);
        TestJvm.Result with = TestJvm.run(armedWork, TestJvm.command(prefix, armed, main, args.toArray(String[]::new)), env);

        TestJvm.assertSameEnd(without, with);
        assertTrue(TestJvm.hsErrWritten(with), "hs_err written: " + with.stdout());
        if (core) {
            assertCoreAsWithout(plainWork, armedWork);
        }
        if (shape.mainClass() != null) {
            assertTrue(with.stderr().contains("own handler: chaining"), "the library's handler saw the crash first: "
                    + with.stderr());
        }
        Matcher saved = HS_ERR_SAVED.matcher(with.stdout());
        assertTrue(saved.find(), with.stdout());
        Map<String, Object> json = Inspect.json(work, Inspect.onlyBundle(bundles), bundle -> {
            assertEquals(saved.group(1).strip(), bundle.get("hsErr"), "the hs_err HotSpot wrote");
            if (!shape.mayWarn()) {
                assertEquals(List.of(), bundle.getOrDefault("warnings", List.of()), "no HotSpot layout fell back");
            }
        });
        Map<String, Object> crashing = Inspect.object(json, "crashingThread");
        List<?> warnings = (List<?>) json.getOrDefault("warnings", List.of());
        // In a JNI call, a carrier running the crashing virtual thread too (as jstack shows a carrier): RUNNABLE, read
        // from java.lang.Thread by the handler in every shape; where a GC cycle keeps the handler from following the
        // reference, no state rather than the resolver's WAITING for a carrier.
        if (shape.mayWarn()) {
            assertTrue(crashing.get("state") == null || "RUNNABLE".equals(crashing.get("state")), "state: " + crashing);
        } else {
            assertEquals("RUNNABLE", crashing.get("state"), "the crashing thread's state");
            assertEquals("handler", crashing.get("stateSource"), "read by the handler");
        }
        if (virtual && shape.mayWarn() && virtualThreadName(crashing) == null) {
            // Not named: only with a warning that says so, for this very thread, or (the arming check met only
            // references the GC was moving) for every virtual thread.
            assertTrue(warnings.stream().map(String::valueOf).anyMatch(w -> w.startsWith("thread " + crashing.get("tid")
                    + " may have had a virtual thread mounted") || w.startsWith("a crash or dump in a virtual thread is"
                    + " shown under its carrier thread's name only")), "an unnamed virtual thread is warned about: " + warnings);
        } else if (virtual) {
            assertTrue(String.valueOf(crashing.get("name")).startsWith("ForkJoinPool-1-worker-"), "the carrier: " + crashing);
            assertEquals(VirtualThreadCrasher.NAME, JsonReader.get(crashing, "virtualThread.name"),
                    "the virtual thread, read from the heap: " + crashing.get("virtualThread"));
            assertTrue(shape.mayWarn() || Inspect.objects(json, "threads").stream().anyMatch(thread ->
                    VirtualThreadCrasher.SLEEPER_NAME.equals(virtualThreadName(thread))),
                    "the sleeping virtual thread, UTF-16 in the heap, named on its carrier");
            // Named or not, never named wrong: a carrier's virtual thread is one of the two there are.
            assertTrue(Inspect.objects(json, "threads").stream().map(JvmShapesIT::virtualThreadName)
                    .allMatch(name -> name == null || name.equals(VirtualThreadCrasher.NAME)
                            || name.equals(VirtualThreadCrasher.SLEEPER_NAME)), "virtual threads named right");
        } else {
            assertEquals(Crasher.THREAD_NAME, crashing.get("name"));
        }
        assertJavaFramesNamed(Inspect.objects(crashing, "frames"), "dev.crashcap.testapp.Crasher.crash");
    }

    static Stream<Shape> dumpShapes() {
        return Stream.of(new Shape("ZGC", "-XX:+UseZGC"), new Shape("no compressed oops", "-XX:-UseCompressedOops"),
                TestJvm.featureVersion() >= 24
                        ? new Shape("compact object headers", "-XX:+UnlockExperimentalVMOptions", "-XX:+UseCompactObjectHeaders")
                        : new Shape("no compressed class pointers", "-XX:-UseCompressedClassPointers"));
    }

    /** A live dump reads the same heap fields (a mounted virtual thread's name) from every thread but the crashing one. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dumpShapes")
    void aDumpNamesTheSleeperAndItsJavaFrames(Shape shape) throws Exception {
        Path dumps = work.resolve("dumps");
        List<String> options = new ArrayList<>(AttachIT.quiet());
        options.add("-javaagent:" + TestJvm.JAR + "=dir=" + dumps);
        options.addAll(shape.options());
        options.add("-Djdk.virtualThreadScheduler.parallelism=2");
        try (RunningJvm jvm = RunningJvm.start(work.resolve("target"), TestJvm.command(List.of(), options,
                VirtualThreadCrasher.class.getName(), "idle"), Map.of()).awaitOutput(VirtualThreadCrasher.READY)) {
            TestJvm.Result dump = TestJvm.cli(work, "dump", Long.toString(jvm.pid()), "--out", dumps.toString());
            assertEquals(0, dump.exitCode(), dump.toString());
            Map<String, Object> json = Inspect.json(work, Path.of(dump.stdout().strip()), bundle ->
                    assertEquals(List.of(), bundle.getOrDefault("warnings", List.of()), "no HotSpot layout fell back"));
            Map<String, Object> sleeper = Inspect.objects(json, "threads").stream().filter(thread ->
                    VirtualThreadCrasher.SLEEPER_NAME.equals(TestJvm.featureVersion() >= 21
                            ? virtualThreadName(thread) : thread.get("name")))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + VirtualThreadCrasher.SLEEPER_NAME + " in "
                            + Inspect.threadNames(json)));
            assertJavaFramesNamed(Inspect.objects(sleeper, "frames"), "dev.crashcap.testapp.VirtualThreadCrasher.lambda$main$");
            // Asleep in a JNI call: RUNNABLE, the carrier's own state on JDK 21+ (as jstack and ThreadMXBean give it,
            // where JVMTI would say WAITING for any carrier carrying a virtual thread).
            assertEquals("RUNNABLE", sleeper.get("state"), "in native: " + sleeper);
            assertEquals("handler", sleeper.get("stateSource"), "read by the handler: " + sleeper);
        }
    }

    /** The name of the virtual thread mounted on {@code thread}, or null. */
    private static Object virtualThreadName(Map<String, Object> thread) {
        return thread.get("virtualThread") instanceof Map<?, ?> virtual ? virtual.get("name") : null;
    }

    /**
     * One Java frame starts with {@code expected}, and every Java frame has its class and method; except, as
     * docs/threads.md says, a frame only AsyncGetCallTrace saw (inlined into a compiled one) whose method had no
     * jmethodID yet, in a crash in the agent's first moments (as here: the crash comes right after start): nothing
     * names it but its place ({@code Method*:0x0}).
     */
    private static void assertJavaFramesNamed(List<Map<String, Object>> frames, String expected) {
        List<String> methods = Inspect.javaMethods(frames);
        assertTrue(methods.stream().anyMatch(m -> m.startsWith(expected)), expected + " among " + methods);
        List<String> unnamed = frames.stream().filter(frame -> "java".equals(frame.get("kind")))
                .filter(frame -> !(frame.get("class") instanceof String name) || name.equals("?") || frame.get("method") == null)
                .filter(frame -> !"Method*:0x0".equals(frame.get("method")))
                .map(frame -> frame.get("class") + "." + frame.get("method") + " [" + frame.get("frameKind") + "]").toList();
        assertEquals(List.of(), unnamed, "every Java frame named: " + methods);
    }

    /**
     * The kernel wrote a core for the crash with the agent where it wrote one without it, when its core_pattern names a
     * file in the working directory (a pipe to systemd-coredump or apport, or another folder: nothing to compare here).
     */
    private static void assertCoreAsWithout(Path plainWork, Path armedWork) throws IOException {
        String pattern = Files.readString(Path.of("/proc/sys/kernel/core_pattern")).strip();
        assumeTrue(!pattern.startsWith("|") && !pattern.contains("/"), "core_pattern writes no core here: " + pattern);
        String prefix = pattern.contains("%") ? pattern.substring(0, pattern.indexOf('%')) : pattern;
        assertEquals(hasCore(plainWork, prefix), hasCore(armedWork, prefix), "a core with the agent as without it");
        assertTrue(hasCore(armedWork, prefix), "a core written (" + pattern + ") in " + armedWork);
    }

    private static boolean hasCore(Path folder, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.anyMatch(file -> file.getFileName().toString().startsWith(prefix) && Files.isRegularFile(file)
                    && !file.getFileName().toString().startsWith("stdout") && !file.getFileName().toString().startsWith("stderr"));
        }
    }
}
