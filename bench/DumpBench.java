import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.BundleLocator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * "Where is every thread" of a live JVM, three ways, measured in the same run on the same idle application
 * ({@code ThreadsApp idle N}, armed with -javaagent): {@code crashcap dump} (wall time of the whole command, and the
 * agent's own snapshot time, capture.micros of the bundle), {@code jstack <pid>} and
 * {@code gdb -p <pid> -batch -ex 'thread apply all bt'} (wall times). Medians of several runs, for 100 and 1,000
 * extra threads. Then the first dump of a JVM that is not armed yet, against jstack as the first tool to attach to
 * such a JVM ({@link #firstDumpRow}).
 *
 * Run: bench/run.sh, or
 * {@code java -cp agent-java/target/classes:collector-client/target/classes bench/DumpBench.java <crashcap.jar> <libcrashcaptest.so> <test-classes> [runs] [first]}
 * ({@code first}: only the first dump of a JVM that is not armed).
 */
public class DumpBench {
    static final List<Integer> THREADS = List.of(100, 1000);
    static final String APP = "dev.crashcap.testapp.ThreadsApp";

    static Path jar, testlib, classes, work;
    static Path javaHome = Path.of(System.getProperty("java.home"));

    /**
     * {@code -Ddumpbench.javaAgentDump=true}: every dump takes the Java agent's way, as before the native dump
     * (the CLI's {@code -Dcrashcap.dump.javaAgent}), for a before/after with one build.
     */
    static final boolean JAVA_AGENT_DUMP = Boolean.getBoolean("dumpbench.javaAgentDump");

    static List<String> dumpCommand(long pid, String out) {
        List<String> command = new ArrayList<>(List.of(java()));
        if (JAVA_AGENT_DUMP) command.add("-Dcrashcap.dump.javaAgent=true");
        command.addAll(List.of("-jar", jar.toString(), "dump", Long.toString(pid), "--out", out));
        return command;
    }

    public static void main(String[] args) throws Exception {
        jar = Path.of(args[0]).toAbsolutePath();
        testlib = Path.of(args[1]).toAbsolutePath();
        classes = Path.of(args[2]).toAbsolutePath();
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        boolean firstOnly = args.length > 4 && args[4].equals("first"); // only the first-dump table
        work = Files.createTempDirectory("crashcap-dump-bench");
        boolean gdb = onPath("gdb");
        System.out.printf("every thread of a live JVM: crashcap dump against jstack and gdb, median of %d runs;"
                + " java %s, %d CPUs%n", runs, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        System.out.printf("%14s %14s %20s %14s %12s %12s%n", "extra threads", "threads total", "crashcap dump ms",
                "(in agent ms)", "jstack ms", "gdb ms");
        try {
            for (int n : firstOnly ? List.<Integer>of() : THREADS) {
                row(n, runs, gdb);
            }
            if (!firstOnly) System.out.println();
            System.out.printf("the first dump of a JVM that is not armed (attach, arming, snapshot), against jstack as the first"
                    + " tool on the same kind of JVM: a fresh JVM for each, %d extra threads, median of %d runs%n",
                    FIRST_DUMP_THREADS, runs);
            firstDumpRow(FIRST_DUMP_THREADS, runs);
        } finally {
            deleteTree(work);
        }
        System.out.println("crashcap dump: native and Java frames, states, locks, deadlocks; jstack: Java frames only;"
                + " gdb: native frames only" + (gdb ? "" : " (gdb is not installed)"));
    }

    static final int FIRST_DUMP_THREADS = 1000;

    /**
     * Each run: a fresh unarmed JVM gets {@code crashcap dump} first (its attach listener starts, the agent loads and
     * arms, the snapshot is taken), then {@code jstack} (the second tool, for reference); another fresh JVM gets
     * {@code jstack} first. The runs alternate which JVM starts first.
     */
    static void firstDumpRow(int threads, int runs) throws Exception {
        List<Double> dump = new ArrayList<>(), agent = new ArrayList<>(), jstackFirst = new ArrayList<>(),
                jstackSecond = new ArrayList<>(), ratios = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            double dumpMs = 0, jstackMs = 0;
            for (boolean dumpFirst : run % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true}) {
                try (Idle app = Idle.start(threads, false)) {
                    if (dumpFirst) {
                        Path out = work.resolve("first-" + run);
                        long start = System.nanoTime();
                        String path = run(dumpCommand(app.pid, out.toString())).lines()
                                .filter(line -> line.startsWith("/")).findFirst().orElse("");
                        // (its other line, on stderr, says that it armed the JVM)
                        dumpMs = millisSince(start);
                        Bundle bundle = BundleLocator.load(path);
                        agent.add(bundle.captureMicros() / 1000.0);
                        start = System.nanoTime();
                        run(List.of(javaHome.resolve("bin/jstack").toString(), Long.toString(app.pid)));
                        jstackSecond.add(millisSince(start));
                    } else {
                        long start = System.nanoTime();
                        run(List.of(javaHome.resolve("bin/jstack").toString(), Long.toString(app.pid)));
                        jstackMs = millisSince(start);
                    }
                }
            }
            dump.add(dumpMs);
            jstackFirst.add(jstackMs);
            ratios.add(dumpMs / jstackMs);
        }
        System.out.printf("%28s %14s %22s %20s %22s%n", "first crashcap dump ms", "(in agent ms)", "first jstack ms",
                "dump / jstack", "jstack as 2nd tool ms");
        List<Double> sortedRatios = new ArrayList<>(ratios);
        Collections.sort(sortedRatios);
        System.out.printf("%28.0f %14.1f %22.0f %20s %22.0f%n", median(dump), median(agent), median(jstackFirst),
                String.format("%.2f (%.2f..%.2f)", median(ratios), sortedRatios.get(0),
                        sortedRatios.get(sortedRatios.size() - 1)), median(jstackSecond));
        StringBuilder perRun = new StringBuilder();
        for (int i = 0; i < ratios.size(); i++) {
            perRun.append(String.format(" %.2f (%.0f/%.0f)", ratios.get(i), dump.get(i), jstackFirst.get(i)));
        }
        System.out.println("per run, dump / jstack (ms/ms):" + perRun);
        System.out.println("dump / jstack: per run, each tool first on its own fresh JVM; median (min..max). The dump prints"
                + " the bundle's path; the arming it did stays (the JVM is armed from then on)");
    }

    static void row(int threads, int runs, boolean gdb) throws Exception {
        List<Double> dump = new ArrayList<>(), agent = new ArrayList<>(), jstack = new ArrayList<>(), gdbs = new ArrayList<>();
        Integer total = null;
        try (Idle app = Idle.start(threads, true)) {
            for (int run = 0; run < runs; run++) {
                Path out = work.resolve("dumps-" + threads + "-" + run); // one folder per run: bundle names are per second
                long start = System.nanoTime();
                String path = run(dumpCommand(app.pid, out.toString())).strip();
                dump.add(millisSince(start));
                Bundle bundle = BundleLocator.load(path);
                if (bundle.captureMicros() == null) throw new IllegalStateException("no capture time in " + path);
                agent.add(bundle.captureMicros() / 1000.0);
                total = bundle.threadsSummary().total();

                start = System.nanoTime();
                run(List.of(javaHome.resolve("bin/jstack").toString(), Long.toString(app.pid)));
                jstack.add(millisSince(start));

                if (gdb) {
                    start = System.nanoTime();
                    run(List.of("gdb", "-p", Long.toString(app.pid), "-batch", "-ex", "thread apply all bt"));
                    gdbs.add(millisSince(start));
                }
            }
        }
        System.out.printf("%14d %14s %20.0f %14.1f %12.0f %12s%n", threads, total, median(dump), median(agent),
                median(jstack), gdb ? String.format("%.0f", median(gdbs)) : "-");
    }

    static String java() {
        return javaHome.resolve("bin/java").toString();
    }

    /** Runs a command to its end; its output, or an exception saying what it printed when it failed. */
    static String run(List<String> command) throws Exception {
        Path out = Files.createTempFile(work, "out", ".txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!process.waitFor(600, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        String output = Files.readString(out);
        Files.delete(out);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(command + " exited " + process.exitValue() + ": " + output);
        }
        return output;
    }

    static double millisSince(long start) {
        return (System.nanoTime() - start) / 1e6;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** {@code ThreadsApp idle N} with the agent: up once it printed "ready <pid>", ended by closing its stdin. */
    static final class Idle implements AutoCloseable {
        final Process process;
        final long pid;

        private Idle(Process process, long pid) {
            this.process = process;
            this.pid = pid;
        }

        static Idle start(int threads, boolean armed) throws IOException {
            List<String> command = new ArrayList<>(List.of(java()));
            if (armed) command.add("-javaagent:" + jar + "=dir=" + work.resolve("bundles"));
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
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
            }
        }
    }
}
