import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.BundleLocator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The cost of capturing every thread, and what the agent keeps per thread:
 * <ol>
 *   <li>time from the fatal signal to the bundle being durable on disk ({@code capture.micros}, measured by the
 *       handler), for a JVM with N extra parked threads ({@code ThreadsApp segv N}), median of several runs;</li>
 *   <li>resident memory per thread: VmRSS of an idle {@code ThreadsApp idle N} with and without the agent, for 0
 *       and 1,000 extra threads; the agent's cost per thread is the difference of the differences / 1,000;</li>
 *   <li>for comparison, {@code gdb -p PID -batch -ex 'thread apply all bt'} on the idle application (native
 *       frames only), if gdb is installed.</li>
 * </ol>
 * Run: bench/run.sh, or
 * {@code java -cp agent-java/target/classes:collector-client/target/classes bench/ThreadsBench.java <crashcap.jar> <libcrashcaptest.so> <test-classes> [runs]}
 * ({@code -Dbench.only=stack-memory} before {@code -cp}: only the stack memory table).
 */
public class ThreadsBench {
    static final List<Integer> THREADS = List.of(10, 100, 1000, 5000);
    static final int MEMORY_THREADS = 1000;
    static final String APP = "dev.crashcap.testapp.ThreadsApp";
    // A pre-touched fixed heap, one GC thread and no JIT: the JVM's own resident memory then repeats within
    // ~0.2 MiB from run to run (without them it varies by ~10 MiB, more than what is measured).
    static final List<String> STEADY_MEMORY = List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch",
            "-XX:+UseSerialGC", "-Xint");

    static Path jar, testlib, classes, work;
    static String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    public static void main(String[] args) throws Exception {
        jar = Path.of(args[0]).toAbsolutePath();
        testlib = Path.of(args[1]).toAbsolutePath();
        classes = Path.of(args[2]).toAbsolutePath();
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        work = Files.createTempDirectory("crashcap-threads-bench");
        System.out.printf("every thread's stack at a crash; java %s, %d CPUs%n%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        if ("stack-memory".equals(System.getProperty("bench.only"))) { // the stack memory table alone
            stackMemoryCost(runs);
            return;
        }
        captureTimes(runs);
        stackMemoryCost(runs);
        memoryPerThread(Math.max(3, runs / 2));
        gdbTimes();
    }

    /** Table 1: signal → bundle durable, per number of threads. */
    static void captureTimes(int runs) throws Exception {
        System.out.printf("time from the fatal signal to the bundle durable on disk (SIGSEGV in JNI, %d runs, median)%n", runs);
        System.out.printf("%14s %14s %12s %12s %12s %18s%n", "extra threads", "threads total", "median ms", "min ms",
                "max ms", "answered/total");
        for (int n : THREADS) {
            List<Double> millis = new ArrayList<>();
            Bundle last = null;
            for (int run = 0; run < runs; run++) {
                last = crash(n, run);
                if (last.captureMicros() == null) {
                    throw new IllegalStateException("the bundle records no capture time: " + last);
                }
                millis.add(last.captureMicros() / 1000.0);
            }
            Integer total = last.threadsSummary().total();
            String answers = last.threadsSummary().answered() + "/" + total;
            System.out.printf("%14d %14s %12.1f %12.1f %12.1f %18s%n", n, total, median(millis),
                    Collections.min(millis), Collections.max(millis), answers);
        }
        System.out.println();
    }

    /**
     * Table: what keeping each thread's stack memory (stacks.bin, agent option stack-memory) costs a crash with 1,000
     * extra threads: capture time, and the sizes of capture.txt, stacks.bin and the minidump exported from the bundle.
     */
    static void stackMemoryCost(int runs) throws Exception {
        int threads = 1000;
        System.out.printf("stack memory (stack-memory=<KiB>): %d extra threads, SIGSEGV in JNI, %d runs, median%n",
                threads, runs);
        System.out.printf("%14s %12s %12s %18s %16s %16s %16s%n", "stack-memory", "median ms", "max ms",
                "stacks.bin ms", "capture.txt KiB", "stacks.bin KiB", "minidump KiB");
        for (int kib : List.of(0, 32)) {
            List<Double> millis = new ArrayList<>();
            List<Double> stacksMillis = new ArrayList<>();
            Bundle last = null;
            for (int run = 0; run < runs; run++) {
                last = crash(threads, run, ",stack-memory=" + kib);
                millis.add(last.captureMicros() / 1000.0);
                for (String line : Files.readAllLines(last.directory().resolve("capture.txt"))) {
                    if (line.startsWith("stacks.micros\t")) { // the handler's own time for writing stacks.bin
                        stacksMillis.add(Long.parseLong(line.substring(14)) / 1000.0);
                    }
                }
            }
            Path dir = last.directory();
            long minidump = dev.crashcap.minidump.MinidumpWriter.of(last).length;
            System.out.printf("%14s %12.1f %12.1f %18.1f %16.0f %16.0f %16.0f%n", kib + " KiB", median(millis),
                    Collections.max(millis), median(stacksMillis), Files.size(dir.resolve("capture.txt")) / 1024.0,
                    Files.size(dir.resolve("stacks.bin")) / 1024.0, minidump / 1024.0);
        }
        System.out.println();
    }

    static Bundle crash(int threads, int run) throws Exception {
        return crash(threads, run, "");
    }

    static Bundle crash(int threads, int run, String options) throws Exception {
        Path dir = Files.createDirectories(work.resolve("crash-" + threads + "-" + run + options.replaceAll("[^a-z0-9]", "")));
        Path bundles = dir.resolve("bundles");
        List<String> command = List.of(java, "-javaagent:" + jar + "=dir=" + bundles + options,
                "-XX:ErrorFile=" + dir.resolve("hs_err.log"), "-Dcrashcap.testlib=" + testlib, "-cp",
                classes.toString(), APP, "segv", String.valueOf(threads));
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        try (Stream<Path> found = Files.list(bundles)) {
            Path bundle = found.findFirst().orElseThrow(() -> new IllegalStateException("no bundle in " + bundles
                    + "; the application said: " + firstLine(dir.resolve("err.txt"))));
            return BundleLocator.load(bundle.toString());
        }
    }

    static String firstLine(Path file) {
        try {
            return Files.readAllLines(file).stream().findFirst().orElse("(nothing)");
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Table 2: resident memory the agent adds per thread. */
    static void memoryPerThread(int runs) throws Exception {
        List<Double> plain0 = new ArrayList<>(), plainN = new ArrayList<>();
        List<Double> armed0 = new ArrayList<>(), armedN = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            plain0.add(idleRssKib(0, false));
            armed0.add(idleRssKib(0, true));
            plainN.add(idleRssKib(MEMORY_THREADS, false));
            armedN.add(idleRssKib(MEMORY_THREADS, true));
        }
        double p0 = median(plain0), pN = median(plainN), a0 = median(armed0), aN = median(armedN);
        System.out.printf("resident memory (VmRSS) of the idle application, %d runs, median, JVM options %s%n", runs,
                String.join(" ", STEADY_MEMORY));
        System.out.printf("%14s %16s %16s %16s%n", "extra threads", "no agent MiB", "agent MiB", "agent adds MiB");
        System.out.printf("%14d %16.1f %16.1f %+16.1f%n", 0, p0 / 1024, a0 / 1024, (a0 - p0) / 1024);
        System.out.printf("%14d %16.1f %16.1f %+16.1f%n", MEMORY_THREADS, pN / 1024, aN / 1024, (aN - pN) / 1024);
        System.out.printf("agent's resident memory per thread: %.1f KiB ((%.0f - %.0f) - (%.0f - %.0f) KiB) / %d)%n%n",
                ((aN - a0) - (pN - p0)) / MEMORY_THREADS, aN, a0, pN, p0, MEMORY_THREADS);
    }

    static double idleRssKib(int threads, boolean agent) throws Exception {
        try (Idle app = Idle.start(threads, agent, STEADY_MEMORY)) {
            Thread.sleep(500); // let the threads settle
            for (String line : Files.readAllLines(Path.of("/proc/" + app.pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Double.parseDouble(line.replaceAll("[^0-9]", ""));
                }
            }
            throw new IllegalStateException("no VmRSS for " + app.pid);
        }
    }

    /** Table 3: gdb's "where" for every thread of the idle application, for comparison. */
    static void gdbTimes() throws Exception {
        if (!onPath("gdb")) {
            System.out.println("gdb is not installed: no comparison");
            return;
        }
        System.out.println("for comparison: gdb -p PID -batch -ex 'thread apply all bt' on the idle application (no agent)");
        System.out.printf("%14s %12s %s%n", "extra threads", "gdb ms", "(native frames only, no Java names)");
        for (int n : THREADS) {
            try (Idle app = Idle.start(n, false, List.of())) {
                long start = System.nanoTime();
                Process gdb = new ProcessBuilder("gdb", "-p", String.valueOf(app.pid), "-batch", "-ex",
                        "thread apply all bt").redirectErrorStream(true)
                        .redirectOutput(work.resolve("gdb-" + n + ".txt").toFile()).start();
                if (!gdb.waitFor(600, TimeUnit.SECONDS)) {
                    gdb.destroyForcibly();
                    System.out.printf("%14d %12s%n", n, "> 600 s");
                    continue;
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                long threadsShown = Files.readAllLines(work.resolve("gdb-" + n + ".txt")).stream()
                        .filter(line -> line.startsWith("Thread ")).count();
                System.out.printf("%14d %12d %s%n", n, millis, "(" + threadsShown + " threads shown)");
            }
        }
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    /** {@code ThreadsApp idle N}: up once it printed "ready <pid>", ended by closing its standard input. */
    static final class Idle implements AutoCloseable {
        final Process process;
        final long pid;

        private Idle(Process process, long pid) {
            this.process = process;
            this.pid = pid;
        }

        static Idle start(int threads, boolean agent, List<String> jvmOptions) throws IOException {
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(jvmOptions);
            if (agent) {
                command.add("-javaagent:" + jar + "=dir=" + work.resolve("idle-bundles"));
            }
            command.addAll(List.of("-Dcrashcap.testlib=" + testlib, "-cp", classes.toString(), APP, "idle",
                    String.valueOf(threads)));
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String line = new BufferedReader(new InputStreamReader(process.getInputStream())).readLine();
            if (line == null || !line.startsWith("ready ")) {
                process.destroyForcibly();
                throw new IllegalStateException("the idle application did not start: " + command);
            }
            return new Idle(process, Long.parseLong(line.substring("ready ".length()).trim()));
        }

        @Override
        public void close() throws Exception {
            process.getOutputStream().close(); // EOF: the application exits
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
