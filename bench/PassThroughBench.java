import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What crashcap costs a JVM at work: HotSpot sends itself SIGSEGV and SIGFPE in normal work (implicit null and
 * division-by-zero checks in compiled code, safepoint polls), and with the agent every one passes through crashcap's
 * handler first. A fixed amount of work that does this hard, run without and with -javaagent:crashcap.jar in
 * interleaved pairs (the order alternates), CPU time (user + sys of the whole process, from bash's {@code times})
 * and wall time per run; medians, spread, and the per-pair ratios.
 *
 * <p>The work ({@code PassThroughLoad}, written and compiled here): two threads catching NullPointerExceptions in a
 * hot compiled loop, one catching ArithmeticExceptions (x / 0), all with -XX:-OmitStackTraceInFastThrow so that the
 * JIT keeps every check implicit (a trap, not a preallocated exception: each exception is a signal); one thread
 * allocating a fixed amount of garbage in a small young generation (a GC, so a safepoint, every few milliseconds); one thread in a deoptimisation storm (fresh copies of a class, compiled, then
 * sent down a path the compiler left out). Before the timed runs, one run per side under
 * {@code perf stat -e signal:signal_deliver} (when perf can count it) shows that the signals really happen.
 *
 * Run: bench/run.sh passthrough, or java bench/PassThroughBench.java <crashcap.jar> [pairs] [work scale]
 */
public class PassThroughBench {
    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        double scale = args.length > 2 ? Double.parseDouble(args[2]) : 1.0;
        Path work = Files.createTempDirectory("crashcap-pass-through-bench");
        Files.writeString(work.resolve("PassThroughLoad.java"), LOAD);
        String javaHome = System.getProperty("java.home");
        String javaBin = Path.of(javaHome, "bin", "java").toString();
        run(work, List.of(Path.of(javaHome, "bin", "javac").toString(), "-d", work.toString(),
                work.resolve("PassThroughLoad.java").toString()));
        long npes = Math.round(150_000 * scale), divs = Math.round(150_000 * scale), deopts = Math.round(150 * scale);
        long garbage = Math.round(16_000 * scale);
        List<String> plain = List.of(javaBin, "-Xmx256m", "-Xmn16m", "-XX:-OmitStackTraceInFastThrow", "-cp", work.toString(),
                "PassThroughLoad", Long.toString(npes), Long.toString(divs), Long.toString(deopts), Long.toString(garbage),
                work.toString());
        List<String> armed = new ArrayList<>(plain);
        armed.add(1, "-javaagent:" + jar + "=dir=" + work.resolve("bundles"));

        System.out.printf("pass-through: the same work without and with crashcap, %d interleaved pairs; java %s, %d CPUs%n",
                pairs, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        System.out.printf("work: 2 threads x %,d NullPointerExceptions, 1 x %,d ArithmeticExceptions (implicit checks,"
                + " -XX:-OmitStackTraceInFastThrow), %,d MiB of garbage in a 16 MiB young generation, %,d deoptimisations%n",
                npes, divs, garbage, deopts);
        if (perfCanCount(work)) {
            System.out.printf("signals delivered in one run (perf stat -e signal:signal_deliver): without %s, with %s%n",
                    signals(work, plain), signals(work, armed));
        } else {
            System.out.println("(perf cannot count signal:signal_deliver here: signal counts not shown)");
        }

        List<double[]> without = new ArrayList<>(), with = new ArrayList<>();
        String withoutOut = "", withOut = "";
        for (int pair = 0; pair < pairs; pair++) {
            boolean plainFirst = pair % 2 == 0;
            for (boolean agent : plainFirst ? new boolean[] {false, true} : new boolean[] {true, false}) {
                Measured m = measure(work, agent ? armed : plain);
                (agent ? with : without).add(new double[] {m.cpuSeconds, m.wallSeconds, m.processCpuSeconds});
                if (agent) withOut = m.output; else withoutOut = m.output;
            }
        }
        if (withOut.contains("armed=no") || !withoutOut.contains("armed=no")) {
            throw new IllegalStateException("the agent was not armed where expected:\n" + withoutOut + "\n" + withOut);
        }
        System.out.println("last run's own report: without: " + withoutOut.strip());
        System.out.println("                       with:    " + withOut.strip());
        System.out.printf("%-22s %26s %26s %26s%n", "", "work CPU s: median (range)", "work wall s", "whole process CPU s");
        row("without agent", without);
        row("with crashcap", with);
        List<Double> cpuRatios = new ArrayList<>(), wallRatios = new ArrayList<>(), processRatios = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            cpuRatios.add(with.get(i)[0] / without.get(i)[0]);
            wallRatios.add(with.get(i)[1] / without.get(i)[1]);
            processRatios.add(with.get(i)[2] / without.get(i)[2]);
        }
        System.out.printf("%-22s %26s %26s %26s%n", "with / without (pairs)", ratios(cpuRatios), ratios(wallRatios),
                ratios(processRatios));
        System.out.printf("total per side: work %.0f s wall, %.0f s CPU without; %.0f s wall, %.0f s CPU with. Work CPU: from"
                + " the first worker's start to the last one's end, measured inside the JVM (getProcessCpuTime), so that"
                + " start-up (the agent's arming, bench/StartupBench.java) is not counted; the whole process's is shown"
                + " too%n", sum(without, 1), sum(without, 0), sum(with, 1), sum(with, 0));
        try (var paths = Files.walk(work)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    static void row(String label, List<double[]> runs) {
        List<Double> cpu = new ArrayList<>(), wall = new ArrayList<>();
        for (double[] r : runs) {
            cpu.add(r[0]);
            wall.add(r[1]);
        }
        List<Double> process = new ArrayList<>();
        for (double[] r : runs) process.add(r[2]);
        System.out.printf("%-22s %26s %26s %26s%n", label, spread(cpu, "%.2f"), spread(wall, "%.2f"), spread(process, "%.2f"));
    }

    static String spread(List<Double> values, String format) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        return String.format(format + " (" + format + ".." + format + ")", median(s), s.get(0), s.get(s.size() - 1));
    }

    static String ratios(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        return String.format("%+.1f%% (%+.1f%%..%+.1f%%)", (median(s) - 1) * 100, (s.get(0) - 1) * 100,
                (s.get(s.size() - 1) - 1) * 100);
    }

    static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static double sum(List<double[]> runs, int column) {
        double total = 0;
        for (double[] r : runs) total += r[column];
        return total;
    }

    /** CPU and wall time of the work itself (from its start to its end, measured inside), CPU of the whole process. */
    record Measured(double cpuSeconds, double wallSeconds, double processCpuSeconds, String output) {}

    /** Under bash, whose {@code times} (second line: the children's user and sys) ends the output. */
    static Measured measure(Path work, List<String> command) throws Exception {
        String out = run(work, List.of("bash", "-c", quoted(command) + "; times"));
        String[] lines = out.strip().split("\n");
        String[] children = lines[lines.length - 1].trim().split("\\s+");
        double cpu = -1, workWall = -1;
        StringBuilder report = new StringBuilder();
        for (String line : java.util.Arrays.asList(lines).subList(0, lines.length - 2)) {
            if (line.startsWith("work ")) {
                cpu = Long.parseLong(line.split(" ")[1]) / 1e9;
                workWall = Long.parseLong(line.split(" ")[2]) / 1e9;
            } else {
                report.append(line).append('\n');
            }
        }
        if (cpu < 0) throw new IllegalStateException("no work line in: " + out);
        return new Measured(cpu, workWall, seconds(children[0]) + seconds(children[1]), report.toString());
    }

    static String quoted(List<String> command) {
        StringBuilder script = new StringBuilder();
        for (String word : command) script.append('\'').append(word.replace("'", "'\\''")).append("' ");
        return script.toString();
    }

    static double seconds(String minutesAndSeconds) {
        int m = minutesAndSeconds.indexOf('m');
        return Integer.parseInt(minutesAndSeconds.substring(0, m)) * 60
                + Double.parseDouble(minutesAndSeconds.substring(m + 1, minutesAndSeconds.length() - 1));
    }

    static boolean perfCanCount(Path work) {
        try {
            return run(work, List.of("perf", "stat", "-x,", "-e", "signal:signal_deliver", "true")).contains("signal_deliver")
                    && !run(work, List.of("perf", "stat", "-x,", "-e", "signal:signal_deliver", "true")).contains("<not");
        } catch (Exception e) {
            return false;
        }
    }

    /** The signal deliveries perf counted in one run of the command. */
    static String signals(Path work, List<String> command) throws Exception {
        List<String> perf = new ArrayList<>(List.of("perf", "stat", "-x,", "-e", "signal:signal_deliver", "--"));
        perf.addAll(command);
        for (String line : run(work, perf).split("\n")) {
            if (line.contains("signal:signal_deliver")) return String.format("%,d", Long.parseLong(line.split(",")[0]));
        }
        return "?";
    }

    static String run(Path work, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException("failed: " + command + "\n" + out);
        return out;
    }

    static final String LOAD = """
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.ArrayList;
            import java.util.List;

            /** The work of bench/PassThroughBench.java: PassThroughLoad <npes per thread> <divisions by 0> <deopts> <MiB> <class dir> */
            public class PassThroughLoad {
                static volatile int sink;

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

                /** Garbage, so that young collections (safepoints) keep coming while the others work: a fixed amount. */
                static long allocate(long mebibytes) {
                    long allocated = 0;
                    List<byte[]> keep = new ArrayList<>();
                    while (allocated < mebibytes) {
                        keep.add(new byte[4096]);
                        if (keep.size() == 256) { keep.clear(); allocated++; }
                    }
                    return allocated;
                }

                /** Fresh copies of Shape, each compiled hot on Integers and then given a String: an uncommon trap. */
                static long deoptimisations(long count, Path classes) throws Exception {
                    byte[] bytes = Files.readAllBytes(classes.resolve("PassThroughLoad$Shape.class"));
                    long traps = 0;
                    for (long n = 0; n < count; n++) {
                        ClassLoader loader = new ClassLoader(PassThroughLoad.class.getClassLoader()) {
                            @Override protected Class<?> findClass(String name) throws ClassNotFoundException {
                                if (!name.equals("PassThroughLoad$Shape")) throw new ClassNotFoundException(name);
                                return defineClass(name, bytes, 0, bytes.length);
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

                public static void main(String[] args) throws Exception {
                    long npes = Long.parseLong(args[0]), divs = Long.parseLong(args[1]), deopts = Long.parseLong(args[2]);
                    long garbage = Long.parseLong(args[3]);
                    Path classes = Path.of(args[4]);
                    long[] results = new long[5];
                    List<Thread> workers = new ArrayList<>();
                    workers.add(new Thread(() -> results[0] = nullChecks(npes)));
                    workers.add(new Thread(() -> results[1] = nullChecks(npes)));
                    workers.add(new Thread(() -> results[2] = divisions(divs)));
                    workers.add(new Thread(() -> {
                        try { results[3] = deoptimisations(deopts, classes); } catch (Exception e) { throw new RuntimeException(e); }
                    }));
                    workers.add(new Thread(() -> results[4] = allocate(garbage)));
                    var os = (com.sun.management.OperatingSystemMXBean)
                            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                    long cpu0 = os.getProcessCpuTime(), wall0 = System.nanoTime();
                    for (Thread t : workers) t.start();
                    for (Thread t : workers) t.join();
                    long cpu = os.getProcessCpuTime() - cpu0, wall = System.nanoTime() - wall0;
                    System.out.println("work " + cpu + " " + wall);
                    System.out.printf("armed=%s NPEs %d+%d, divisions by zero %d, deoptimising runs %d, MiB of garbage %d%n",
                            System.getProperty("crashcap.armed", "no").split(" ")[0], results[0], results[1], results[2],
                            results[3], results[4]);
                }
            }
            """;
}
