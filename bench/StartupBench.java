import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Start-up cost of the agent: a trivial program started many times without and with
 * -javaagent:crashcap.jar, alternating so that both see the same machine noise. Wall time is measured
 * here, from process start to exit; CPU time is user + sys of the whole process (every thread, JVM
 * shutdown included), as the kernel accounts it to a waited-for child: each run goes through
 * {@code bash -c '<command>; times'}, whose second line is the children's getrusage times in milliseconds;
 * peak RSS is VmHWM from /proc/self/status, printed by the trivial program at the end of its main.
 * Prints a table of medians, and the spread of the CPU differences (quartiles of the per-round
 * differences: each round starts every variant once, back to back).
 *
 * Run: bench/run.sh  (or: java bench/StartupBench.java <crashcap.jar> [runs])
 */
public class StartupBench {
    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        Path work = Files.createTempDirectory("crashcap-bench");
        Path source = work.resolve("Trivial.java");
        Files.writeString(source, """
                public class Trivial {
                    public static void main(String[] args) throws Exception {
                        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                            if (line.startsWith("VmHWM:")) System.out.println(line.replaceAll("[^0-9]", ""));
                        }
                    }
                }
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String javac = Path.of(System.getProperty("java.home"), "bin", "javac").toString();
        run(work, List.of(javac, "-d", work.toString(), source.toString()));

        Path emptyAgent = emptyAgentJar(work);
        List<String> plain = List.of(java, "-Xshare:auto", "-cp", work.toString(), "Trivial");
        List<String> empty = List.of(java, "-Xshare:auto", "-javaagent:" + emptyAgent, "-cp", work.toString(), "Trivial");
        List<String> armed = List.of(java, "-Xshare:auto", "-javaagent:" + jar + "=dir=" + work.resolve("bundles"),
                "-cp", work.toString(), "Trivial");
        for (int i = 0; i < 3; i++) { run(work, plain); run(work, empty); run(work, armed); } // warm the page cache

        Runs plainRuns = new Runs(), emptyRuns = new Runs(), armedRuns = new Runs();
        for (int i = 0; i < runs; i++) {
            measure(work, plain, plainRuns);
            measure(work, empty, emptyRuns);
            measure(work, armed, armedRuns);
        }
        System.out.printf("startup of a trivial program, %d interleaved runs each, medians (java %s, %d CPUs)%n", runs,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        System.out.printf("%-38s %10s %10s %14s%n", "", "wall ms", "CPU ms", "peak RSS MiB");
        plainRuns.row("no agent");
        emptyRuns.row("an empty -javaagent (JVM's own cost)");
        armedRuns.row("crashcap agent");
        armedRuns.difference("crashcap vs no agent", plainRuns);
        armedRuns.difference("crashcap vs an empty agent", emptyRuns);
        System.out.println("CPU = user + sys of the whole process; difference rows: median of each side, and in brackets the"
                + " quartiles of the per-round CPU differences");
    }

    /** One variant's measurements, run by run. */
    static final class Runs {
        final List<Double> wallMs = new ArrayList<>(), cpuMs = new ArrayList<>();
        final List<Long> peakKb = new ArrayList<>();

        void row(String label) {
            System.out.printf("%-38s %10.1f %10.1f %14.1f%n", label, median(wallMs), median(cpuMs), medianLong(peakKb) / 1024.0);
        }

        void difference(String label, Runs base) {
            List<Double> perRound = new ArrayList<>();
            for (int i = 0; i < cpuMs.size(); i++) perRound.add(cpuMs.get(i) - base.cpuMs.get(i));
            Collections.sort(perRound);
            System.out.printf("%-38s %+10.1f %+10.1f %+14.1f   (CPU %+.1f .. %+.1f)%n", label,
                    median(wallMs) - median(base.wallMs), median(cpuMs) - median(base.cpuMs),
                    (medianLong(peakKb) - medianLong(base.peakKb)) / 1024.0,
                    perRound.get(perRound.size() / 4), perRound.get(perRound.size() * 3 / 4));
        }
    }

    /** A -javaagent whose premain does nothing: what any Java agent costs before its own code runs. */
    static Path emptyAgentJar(Path work) throws Exception {
        Path source = work.resolve("EmptyAgent.java");
        Files.writeString(source, "public class EmptyAgent { public static void premain(String a, java.lang.instrument.Instrumentation i) {} }");
        String javac = Path.of(System.getProperty("java.home"), "bin", "javac").toString();
        run(work, List.of(javac, "-d", work.toString(), source.toString()));
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", "EmptyAgent");
        Path jar = work.resolve("empty-agent.jar");
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new java.util.jar.JarEntry("EmptyAgent.class"));
            out.write(Files.readAllBytes(work.resolve("EmptyAgent.class")));
            out.closeEntry();
        }
        return jar;
    }

    /**
     * Runs the command under bash, which reports the CPU time of its waited-for children ({@code times}, second
     * line: user and sys as {@code 0m0.123s}); the program itself prints its peak RSS in KiB.
     */
    static void measure(Path work, List<String> command, Runs runs) throws Exception {
        StringBuilder script = new StringBuilder();
        for (String word : command) script.append('\'').append(word.replace("'", "'\\''")).append("' ");
        script.append("; times");
        long start = System.nanoTime();
        String out = run(work, List.of("bash", "-c", script.toString()));
        runs.wallMs.add((System.nanoTime() - start) / 1e6);
        String[] lines = out.strip().split("\n");
        runs.peakKb.add(Long.parseLong(lines[0].trim()));
        String[] children = lines[lines.length - 1].trim().split("\\s+");
        runs.cpuMs.add(seconds(children[0]) * 1000 + seconds(children[1]) * 1000);
    }

    /** bash's {@code times} format: {@code 1m2.345s}. */
    static double seconds(String minutesAndSeconds) {
        int m = minutesAndSeconds.indexOf('m');
        return Integer.parseInt(minutesAndSeconds.substring(0, m)) * 60
                + Double.parseDouble(minutesAndSeconds.substring(m + 1, minutesAndSeconds.length() - 1));
    }

    static String run(Path work, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException("failed: " + command + "\n" + out);
        return out;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    static long medianLong(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
