import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * What crashcap costs a JVM at work: HotSpot sends itself SIGSEGV and SIGFPE in normal work (implicit null and
 * division-by-zero checks, safepoint polls, deoptimisation traps), and with the agent every one passes through
 * crashcap's handler first. The same fixed work runs without and with -javaagent:crashcap.jar in many short
 * interleaved pairs (the order alternates), and what is compared is the ratio within each pair: its median, its
 * interquartile range and a bootstrap 95 % interval of that median. Pairs close in time see the same machine, and a
 * median of ratios shrugs off the pair that another process disturbed: the method is meant to hold on a loaded one.
 *
 * <p>The work ({@code PassThroughLoad}, written and compiled here) is deterministic, in phases, all on the main
 * thread: NullPointerExceptions from an implicit null check in compiled code, ArithmeticExceptions from an implicit
 * division by zero (with -XX:-OmitStackTraceInFastThrow, so that the JIT keeps every check implicit: each exception
 * is one SIGSEGV or SIGFPE), a deoptimisation storm (fresh copies of a class, compiled, then sent down a path the
 * compiler left out) and young collections (garbage in a 16 MiB young generation). What makes it repeatable: one
 * thread, one CPU (taskset, when there is one), -Xbatch (compilations happen at the same points in every run, the
 * thread waiting for them), the serial collector, and a warm-up of every phase before the clock starts. The figure
 * compared is the main thread's own CPU time (user + system: the kernel's half of each signal is system time; time
 * spent descheduled by other processes is not counted), measured inside the JVM per phase, so start-up (the agent's
 * arming, bench/StartupBench.java) is not in it. The whole process's CPU per phase (compiler and GC threads included:
 * the sum of its threads' /proc/self/task/N/schedstat, in ns) and the wall time are shown too.
 *
 * <p>Every timed run runs under {@code perf stat -e signal:signal_deliver} where perf can count it: the signals of
 * each side are shown (they must be there, and the same on both sides), and with the handler's own cost per signal
 * from agent-native's pass_through_bench (the 4th and 5th arguments) the overhead to expect is printed next to the one measured.
 *
 * Run: bench/run.sh passthrough, or
 * java bench/PassThroughBench.java <crashcap.jar> [pairs] [work scale] [extra ns per signal [its upper quartile]]
 */
public class PassThroughBench {
    static final String[] PHASES = {"null checks", "divisions by 0", "deoptimisations", "young GCs"};

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        double scale = args.length > 2 ? Double.parseDouble(args[2]) : 1.0;
        double extraNs = args.length > 3 ? Double.parseDouble(args[3]) : Double.NaN;
        double extraNsUpper = args.length > 4 ? Double.parseDouble(args[4]) : extraNs;
        if (pairs < 2) throw new IllegalArgumentException("at least 2 pairs");
        Path work = Files.createTempDirectory("crashcap-pass-through-bench");
        Files.writeString(work.resolve("PassThroughLoad.java"), LOAD);
        String javaHome = System.getProperty("java.home");
        run(work, List.of(Path.of(javaHome, "bin", "javac").toString(), "-d", work.toString(),
                work.resolve("PassThroughLoad.java").toString()));
        long npes = Math.round(120_000 * scale), divs = Math.round(120_000 * scale), deopts = Math.round(300 * scale);
        long garbage = Math.round(6_000 * scale);
        int cpus = Runtime.getRuntime().availableProcessors();
        List<String> plain = new ArrayList<>();
        boolean pinned = works(work, List.of("taskset", "-c", Integer.toString(cpus - 1), "true"));
        if (pinned) plain.addAll(List.of("taskset", "-c", Integer.toString(cpus - 1)));
        plain.addAll(List.of(Path.of(javaHome, "bin", "java").toString(), "-Xbatch", "-XX:+UseSerialGC", "-Xmx256m",
                "-Xmn16m", "-XX:-OmitStackTraceInFastThrow", "-cp", work.toString(), "PassThroughLoad",
                Long.toString(npes), Long.toString(divs), Long.toString(deopts), Long.toString(garbage), work.toString()));
        List<String> armed = new ArrayList<>(plain);
        armed.add(armed.indexOf("-Xbatch"), "-javaagent:" + jar + "=dir=" + work.resolve("bundles"));
        boolean perf = works(work, List.of("perf", "stat", "-x,", "-e", "signal:signal_deliver", "true"));

        System.out.printf("pass-through: the same work without and with crashcap, %d interleaved pairs; java %s, %d CPUs%s;"
                + " load average %s%n", pairs, System.getProperty("java.version"), cpus,
                pinned ? ", pinned to CPU " + (cpus - 1) : "", loadAverage());
        System.out.printf("work per run, on the main thread, after a warm-up: %,d NullPointerExceptions and %,d"
                + " ArithmeticExceptions from implicit checks (-XX:-OmitStackTraceInFastThrow), %,d deoptimising classes,"
                + " %,d MiB of garbage in a 16 MiB young generation; -Xbatch -XX:+UseSerialGC%n", npes, divs, deopts, garbage);

        List<Measured> without = new ArrayList<>(), with = new ArrayList<>();
        for (int pair = 0; pair < pairs; pair++) {
            boolean plainFirst = pair % 2 == 0;
            for (boolean agent : plainFirst ? new boolean[] {false, true} : new boolean[] {true, false}) {
                Measured m = measure(work, agent ? armed : plain, perf);
                if (m.armed != agent) {
                    throw new IllegalStateException("the agent was " + (m.armed ? "" : "not ") + "armed in: " + m.report);
                }
                (agent ? with : without).add(m);
            }
        }
        System.out.println("one run's own report: without: " + without.get(0).report.strip());
        System.out.println("                      with:    " + with.get(0).report.strip());

        System.out.printf("%n%-26s %9s %9s   %s%n", "", "without", "with", "with / without, per pair:");
        System.out.printf("%-26s %9s %9s   %s%n", "seconds, median of runs", "", "", "median [IQR] {95% bootstrap of median}");
        for (int block = 0; block < 2; block++) {
            boolean process = block == 1;
            System.out.println(process ? "whole process CPU" : "main thread CPU (compared)");
            for (int p = 0; p <= PHASES.length; p++) {
                final int phase = p;
                row(p < PHASES.length ? "  " + PHASES[p] : "  all phases", without, with, m -> phase == PHASES.length
                        ? (process ? m.processCpu : m.threadCpu()) : (process ? m.phaseProcessCpu[phase] : m.phaseCpu[phase]));
            }
        }
        row("wall", without, with, m -> m.wall);
        StringBuilder each = new StringBuilder("each pair, main thread CPU, all phases, with/without:");
        for (double r : ratios(without, with, Measured::threadCpu)) each.append(String.format(" %+.1f", pct(r)));
        System.out.println(each.append(" %"));

        double workCpu = median(values(without, Measured::threadCpu));
        System.out.printf("%ntotal timed work per side: %.1f s main thread CPU without, %.1f s with%n",
                sum(without, Measured::threadCpu), sum(with, Measured::threadCpu));
        if (perf) {
            double signalsWithout = median(values(without, m -> m.signals)), signalsWith = median(values(with, m -> m.signals));
            System.out.printf("signals delivered per run (perf stat -e signal:signal_deliver, whole process, start-up"
                    + " included): median %,.0f without, %,.0f with; %,.0f per second of main thread CPU%n",
                    signalsWithout, signalsWith, signalsWith / workCpu);
            if (!Double.isNaN(extraNs)) {
                // An upper bound: perf's count includes start-up and the warm-up, and all signals are charged to the
                // main thread's CPU.
                System.out.printf("to expect from the handler's own cost (pass_through_bench: %+.1f ns per signal, upper"
                        + " quartile %+.1f) x these signals: %+.2f %% (%+.2f %%) of the main thread's CPU; measured: %+.2f %%%n",
                        extraNs, extraNsUpper, signalsWith * extraNs / 1e9 / workCpu * 100,
                        signalsWith * extraNsUpper / 1e9 / workCpu * 100,
                        pct(median(ratios(without, with, Measured::threadCpu))));
            }
        } else {
            System.out.println("(perf cannot count signal:signal_deliver here: signal counts not shown)");
        }
        System.out.println("load average at the end: " + loadAverage());
        try (var paths = Files.walk(work)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    interface Figure {
        double of(Measured m);
    }

    static void row(String label, List<Measured> without, List<Measured> with, Figure figure) {
        List<Double> r = ratios(without, with, figure);
        List<Double> sorted = new ArrayList<>(r);
        Collections.sort(sorted);
        double[] interval = bootstrapMedian(r);
        System.out.printf("%-26s %9.3f %9.3f   %+6.2f %% [%+.2f..%+.2f] {%+.2f..%+.2f}%n", label, median(values(without, figure)),
                median(values(with, figure)), pct(median(sorted)), pct(quantile(sorted, 0.25)), pct(quantile(sorted, 0.75)),
                pct(interval[0]), pct(interval[1]));
    }

    static double pct(double ratio) {
        return (ratio - 1) * 100;
    }

    static List<Double> ratios(List<Measured> without, List<Measured> with, Figure figure) {
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < without.size(); i++) r.add(figure.of(with.get(i)) / figure.of(without.get(i)));
        return r;
    }

    /** The 2.5 % and 97.5 % quantiles of the median of the pairs resampled with replacement (fixed seed). */
    static double[] bootstrapMedian(List<Double> values) {
        Random random = new Random(13);
        int n = values.size(), resamples = 4000;
        double[] medians = new double[resamples];
        List<Double> sample = new ArrayList<>(n);
        for (int b = 0; b < resamples; b++) {
            sample.clear();
            for (int i = 0; i < n; i++) sample.add(values.get(random.nextInt(n)));
            medians[b] = median(sample);
        }
        Arrays.sort(medians);
        return new double[] {medians[(int) (resamples * 0.025)], medians[(int) (resamples * 0.975) - 1]};
    }

    static List<Double> values(List<Measured> runs, Figure figure) {
        List<Double> v = new ArrayList<>();
        for (Measured m : runs) v.add(figure.of(m));
        return v;
    }

    static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        return quantile(s, 0.5);
    }

    static double quantile(List<Double> sorted, double q) {
        double position = q * (sorted.size() - 1);
        int below = (int) position;
        if (below + 1 >= sorted.size()) return sorted.get(sorted.size() - 1);
        return sorted.get(below) + (position - below) * (sorted.get(below + 1) - sorted.get(below));
    }

    static double sum(List<Measured> runs, Figure figure) {
        double total = 0;
        for (Measured m : runs) total += figure.of(m);
        return total;
    }

    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /** One run: the main thread's CPU per phase, the process's CPU and the wall time of the timed span, in seconds. */
    record Measured(double[] phaseCpu, double[] phaseProcessCpu, double processCpu, double wall, double signals, boolean armed, String report) {
        double threadCpu() {
            double total = 0;
            for (double c : phaseCpu) total += c;
            return total;
        }
    }

    static Measured measure(Path work, List<String> command, boolean perf) throws Exception {
        Path counts = work.resolve("perf.txt");
        List<String> full = new ArrayList<>();
        if (perf) full.addAll(List.of("perf", "stat", "-x,", "-e", "signal:signal_deliver", "-o", counts.toString(), "--"));
        full.addAll(command);
        String out = run(work, full);
        double[] phaseCpu = new double[PHASES.length], phaseProcessCpu = new double[PHASES.length];
        double processCpu = -1, wall = -1;
        StringBuilder report = new StringBuilder();
        for (String line : out.split("\n")) {
            String[] f = line.split(" ");
            if (line.startsWith("phase ")) {
                phaseCpu[Integer.parseInt(f[1])] = Long.parseLong(f[2]) / 1e9;
                phaseProcessCpu[Integer.parseInt(f[1])] = Long.parseLong(f[3]) / 1e9;
            } else if (line.startsWith("timed ")) {
                processCpu = Long.parseLong(f[1]) / 1e9;
                wall = Long.parseLong(f[2]) / 1e9;
            } else if (!line.isBlank()) {
                report.append(line).append('\n');
            }
        }
        if (wall < 0) throw new IllegalStateException("no timed line in: " + out);
        double signals = Double.NaN;
        if (perf) {
            for (String line : Files.readAllLines(counts)) {
                if (line.contains("signal:signal_deliver")) signals = Long.parseLong(line.split(",")[0]);
            }
        }
        return new Measured(phaseCpu, phaseProcessCpu, processCpu, wall, signals, !report.toString().contains("armed=no"), report.toString());
    }

    static boolean works(Path work, List<String> command) {
        try {
            return !run(work, command).contains("<not");
        } catch (Exception e) {
            return false;
        }
    }

    static String run(Path work, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException("failed: " + command + "\n" + out);
        return out;
    }

    static final String LOAD = """
            import java.lang.management.ManagementFactory;
            import java.nio.file.Files;
            import java.nio.file.Path;

            /** The work of bench/PassThroughBench.java: PassThroughLoad <NPEs> <divisions by 0> <deopts> <MiB> <class dir> */
            public class PassThroughLoad {
                static volatile int sink;
                static byte[] shapeBytes;

                static int[] sometimesNull(int i, int[] a) { return (i & 15) == 0 ? null : a; }
                static int length(int[] a) { return a.length; }
                static int divide(int x, int y) { return x / y; }

                /** A hot loop (compiled early: many iterations between exceptions) with an implicit null check inside. */
                static long nullChecks(long exceptions) {
                    int[] a = new int[3];
                    long caught = 0;
                    int s = 0;
                    for (int i = 0; caught < exceptions; i++) {
                        try { s += length(sometimesNull(i, a)); } catch (NullPointerException e) { caught++; }
                    }
                    sink = s;
                    return caught;
                }

                static long divisions(long exceptions) {
                    long caught = 0;
                    int s = 0;
                    for (int i = 0; caught < exceptions; i++) {
                        try { s += divide(i, i & 15); } catch (ArithmeticException e) { caught++; }
                    }
                    sink = s;
                    return caught;
                }

                /** Fresh copies of Shape, each compiled hot on Integers and then given a String: an uncommon trap. */
                static long deoptimisations(long count) throws Exception {
                    long traps = 0;
                    for (long n = 0; n < count; n++) {
                        ClassLoader loader = new ClassLoader(PassThroughLoad.class.getClassLoader()) {
                            @Override protected Class<?> findClass(String name) throws ClassNotFoundException {
                                if (!name.equals("PassThroughLoad$Shape")) throw new ClassNotFoundException(name);
                                return defineClass(name, shapeBytes, 0, shapeBytes.length);
                            }
                        };
                        Class<?> shape = Class.forName("PassThroughLoad$Shape", true, loader);
                        var measure = shape.getMethod("measure", Object.class);
                        Object warm = Integer.valueOf(7);
                        int s = 0;
                        for (int i = 0; i < 30_000; i++) s += (Integer) measure.invoke(null, warm);
                        s += (Integer) measure.invoke(null, "a string now");
                        sink = s;
                        traps++;
                    }
                    return traps;
                }

                public static class Shape {
                    public static int measure(Object o) {
                        if (o instanceof Integer i) return i;
                        return o.hashCode();
                    }
                }

                /** Garbage, so that young collections (safepoints) come every few milliseconds: a fixed amount. */
                static final byte[][] kept = new byte[256][];

                /** Kept in a static array, so that the JIT cannot take the allocations out (escape analysis). */
                static long allocate(long mebibytes) {
                    long allocated = 0;
                    for (long m = 0; m < mebibytes; m++) {
                        for (int i = 0; i < kept.length; i++) kept[i] = new byte[4096];
                        allocated++;
                    }
                    return allocated;
                }

                static com.sun.management.OperatingSystemMXBean os;

                /** The process's CPU time in ns: the sum of its threads' time on a CPU (/proc/self/task/N/schedstat, in
                 * ns, where getProcessCpuTime counts 10 ms clock ticks); threads that ended within a phase are missed. */
                static long processCpu() throws java.io.IOException {
                    long sum = 0;
                    try (var tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
                        for (Path task : tasks) {
                            try {
                                sum += Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
                            } catch (java.io.IOException | NumberFormatException ended) {
                                // gone since the listing
                            }
                        }
                    } catch (java.io.IOException noSchedstat) {
                        return os.getProcessCpuTime();
                    }
                    return sum > 0 ? sum : os.getProcessCpuTime();
                }

                static long collections() {
                    long count = 0;
                    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) count += gc.getCollectionCount();
                    return count;
                }

                static long phase(int phase, long size) throws Exception {
                    switch (phase) {
                        case 0: return nullChecks(size);
                        case 1: return divisions(size);
                        case 2: return deoptimisations(size);
                        default: return allocate(size);
                    }
                }

                public static void main(String[] args) throws Exception {
                    long[] sizes = new long[4];
                    for (int p = 0; p < 4; p++) sizes[p] = Long.parseLong(args[p]);
                    shapeBytes = Files.readAllBytes(Path.of(args[4]).resolve("PassThroughLoad$Shape.class"));
                    // Warm-up: every phase at a tenth of its size, so that the timed part runs compiled code.
                    for (int p = 0; p < 4; p++) phase(p, Math.max(1, sizes[p] / 10));
                    var threads = ManagementFactory.getThreadMXBean();
                    os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                    long[] done = new long[4];
                    long process0 = processCpu(), wall0 = System.nanoTime();
                    StringBuilder lines = new StringBuilder();
                    long gcs0 = collections();
                    for (int p = 0; p < 4; p++) {
                        long cpu0 = threads.getCurrentThreadCpuTime(), processPhase0 = processCpu();
                        done[p] = phase(p, sizes[p]);
                        lines.append("phase ").append(p).append(' ').append(threads.getCurrentThreadCpuTime() - cpu0)
                                .append(' ').append(processCpu() - processPhase0).append('\\n');
                    }
                    long gcs = collections() - gcs0;
                    long process = processCpu() - process0, wall = System.nanoTime() - wall0;
                    System.out.print(lines);
                    System.out.println("timed " + process + " " + wall);
                    System.out.printf("armed=%s NPEs %d, divisions by zero %d, deoptimising classes %d, MiB of garbage %d,"
                            + " collections %d%n", System.getProperty("crashcap.armed", "no").split(" ")[0], done[0], done[1],
                            done[2], done[3], gcs);
                }
            }
            """;
}
