import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the agent adds to starting a thread: every pthread_create of a hooked module goes through crashcap's
 * trampoline, which maps and installs an alternate signal stack before the start routine and unmaps it after.
 * {@code ThreadStartApp create-join N} times N pthread_create + pthread_join in C (default attributes, a start
 * routine that returns at once), then N Java {@code Thread.start} + {@code join}, in a JVM without and with the
 * agent ({@code -javaagent}), the runs interleaved; microseconds per thread, median and minimum of the runs (on a
 * loaded machine the minimum shows the cost, the median the noise).
 * Run: bench/run.sh, or
 * {@code java bench/ThreadStartBench.java <crashcap.jar> <libcrashcaptest.so> <test-classes> [runs] [threads]}.
 */
public class ThreadStartBench {
    static final String APP = "dev.crashcap.testapp.ThreadStartApp";

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path testlib = Path.of(args[1]).toAbsolutePath();
        Path classes = Path.of(args[2]).toAbsolutePath();
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 10_000;
        Path work = Files.createTempDirectory("crashcap-thread-start-bench");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Double> nativePlain = new ArrayList<>(), nativeArmed = new ArrayList<>();
        List<Double> javaPlain = new ArrayList<>(), javaArmed = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            for (boolean agent : List.of(false, true)) {
                List<String> command = new ArrayList<>(List.of(java));
                if (agent) command.add("-javaagent:" + jar + "=dir=" + work.resolve("bundles"));
                command.addAll(List.of("-Dcrashcap.testlib=" + testlib, "-cp", classes.toString(), APP, "create-join",
                        String.valueOf(threads)));
                long[] nanos = measure(command, work);
                (agent ? nativeArmed : nativePlain).add(nanos[0] / 1000.0 / threads);
                (agent ? javaArmed : javaPlain).add(nanos[1] / 1000.0 / threads);
            }
        }
        System.out.printf("thread start + join, %,d threads per run, %d runs, µs per thread; java %s, %d CPUs%n",
                threads, runs, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        System.out.printf("%-36s %16s %16s %10s %10s%n", "", "without agent", "with agent", "added", "added");
        System.out.printf("%-36s %16s %16s %10s %10s%n", "", "median (min)", "median (min)", "median", "min");
        row("pthread_create + pthread_join (C)", nativePlain, nativeArmed);
        row("Thread.start + join (Java)", javaPlain, javaArmed);
    }

    static void row(String what, List<Double> plain, List<Double> armed) {
        double p = median(plain), a = median(armed), pMin = Collections.min(plain), aMin = Collections.min(armed);
        System.out.printf("%-36s %8.1f (%5.1f) %8.1f (%5.1f) %+9.1f%% %+9.1f%%%n", what, p, pMin, a, aMin,
                (a - p) / p * 100, (aMin - pMin) / pMin * 100);
    }

    /** Runs the application; returns the nanoseconds it printed for native and for Java threads. */
    static long[] measure(List<String> command, Path work) throws IOException, InterruptedException {
        Path out = work.resolve("out.txt");
        Process process = new ProcessBuilder(command).directory(work.toFile()).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        long[] nanos = { -1, -1 };
        for (String line : Files.readAllLines(out)) {
            if (line.startsWith("native-nanos ")) nanos[0] = Long.parseLong(line.substring(13));
            if (line.startsWith("java-nanos ")) nanos[1] = Long.parseLong(line.substring(11));
        }
        if (process.exitValue() != 0 || nanos[0] < 0 || nanos[1] < 0) {
            throw new IllegalStateException("exit " + process.exitValue() + ", output " + Files.readString(out));
        }
        return nanos;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
