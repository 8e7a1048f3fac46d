import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What arming costs a short-lived JVM, by way in: a trivial program started again and again bare, with
 * -agentpath:libcrashcap.so, with an empty -javaagent (what java.instrument costs before any agent code runs) and with
 * -javaagent:crashcap.jar, the four interleaved so that all see the same machine noise. CPU is user + sys of the whole
 * JVM process as the kernel accounts it at exit (bash's time builtin, wait4's rusage, in ms); peak RSS is VmHWM, printed
 * by the program at the end of its main. Prints medians and the difference to the bare JVM, then the two goals' paired
 * differences (-agentpath over the bare JVM, -javaagent over the empty one) with their quartiles.
 *
 * Run: java bench/AgentpathBench.java <distribution folder, e.g. agent-java/target/crashcap> [runs, default 40]
 */
public class AgentpathBench {
    public static void main(String[] args) throws Exception {
        Path distribution = Path.of(args[0]).toAbsolutePath();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        Path work = Files.createTempDirectory("crashcap-agentpath-bench");
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
        run(work, List.of(Path.of(System.getProperty("java.home"), "bin", "javac").toString(), "-d", work.toString(),
                source.toString()));
        Path emptyAgent = emptyAgentJar(work);
        String bundles = work.resolve("bundles").toString();

        Map<String, List<String>> ways = new LinkedHashMap<>();
        ways.put("bare JVM", List.of());
        ways.put("-agentpath:libcrashcap.so", List.of("-agentpath:" + distribution.resolve("lib/libcrashcap.so") + "=dir=" + bundles));
        ways.put("empty -javaagent", List.of("-javaagent:" + emptyAgent));
        ways.put("-javaagent:crashcap.jar", List.of("-javaagent:" + distribution.resolve("lib/crashcap.jar") + "=dir=" + bundles));
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        Map<String, List<Double>> rss = new LinkedHashMap<>();
        for (String way : ways.keySet()) {
            cpu.put(way, new ArrayList<>());
            rss.put(way, new ArrayList<>());
        }
        for (int i = 0; i < 3; i++) { // warm the page cache and the library cache folder
            for (List<String> options : ways.values()) measure(work, java, options);
        }
        for (int i = 0; i < runs; i++) {
            for (Map.Entry<String, List<String>> way : ways.entrySet()) {
                double[] m = measure(work, java, way.getValue());
                cpu.get(way.getKey()).add(m[0]);
                rss.get(way.getKey()).add(m[1]);
            }
        }
        System.out.printf("start-up of a trivial program, %d interleaved runs each, medians (java %s)%n", runs,
                System.getProperty("java.version"));
        System.out.printf("| %-28s | %12s | %12s | %14s | %14s |%n", "way in", "CPU ms", "vs bare", "peak RSS MiB", "vs bare");
        System.out.printf("|%s|%s|%s|%s|%s|%n", "-".repeat(30), "-".repeat(14), "-".repeat(14), "-".repeat(16), "-".repeat(16));
        double bareCpu = median(cpu.get("bare JVM"));
        double bareRss = median(rss.get("bare JVM"));
        for (String way : ways.keySet()) {
            double c = median(cpu.get(way));
            double r = median(rss.get(way));
            System.out.printf("| %-28s | %12.1f | %+12.1f | %14.1f | %+14.2f |%n", way, c, c - bareCpu, r, r - bareRss);
        }
        // The goals compare two ways in: differences of runs taken side by side, with their spread.
        System.out.println();
        paired(cpu, "-agentpath:libcrashcap.so", "bare JVM");
        paired(cpu, "-javaagent:crashcap.jar", "empty -javaagent");
    }

    /** Median and quartiles of the CPU differences between {@code way} and {@code base} in the same iteration. */
    static void paired(Map<String, List<Double>> cpu, String way, String base) {
        List<Double> differences = new ArrayList<>();
        for (int i = 0; i < cpu.get(way).size(); i++) differences.add(cpu.get(way).get(i) - cpu.get(base).get(i));
        Collections.sort(differences);
        int n = differences.size();
        System.out.printf("%s over %s, paired runs: median %+.1f ms CPU (quartiles %+.1f, %+.1f)%n", way, base,
                median(differences), differences.get(n / 4), differences.get((3 * n) / 4));
    }

    /** {CPU ms (user + sys), peak RSS MiB} of one run. */
    static double[] measure(Path work, String java, List<String> options) throws Exception {
        StringBuilder command = new StringBuilder("TIMEFORMAT='%3U %3S'; time '" + java + "' -Xshare:auto");
        for (String option : options) command.append(" '").append(option).append("'");
        command.append(" -cp '").append(work).append("' Trivial");
        Process p = new ProcessBuilder("bash", "-c", command.toString()).directory(work.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException("failed: " + command + "\n" + out + err);
        // the last line is bash's; before it, JDK 22+ prints its native-access warning for -javaagent:crashcap.jar
        List<String> errLines = err.lines().filter(line -> !line.isBlank()).toList();
        String[] times = errLines.get(errLines.size() - 1).trim().split(" ");
        double cpuMs = (Double.parseDouble(times[0]) + Double.parseDouble(times[1])) * 1000;
        return new double[] {cpuMs, Long.parseLong(out.trim()) / 1024.0};
    }

    /** A -javaagent whose premain does nothing. */
    static Path emptyAgentJar(Path work) throws Exception {
        Path source = work.resolve("EmptyAgent.java");
        Files.writeString(source, "public class EmptyAgent { public static void premain(String a, java.lang.instrument.Instrumentation i) {} }");
        run(work, List.of(Path.of(System.getProperty("java.home"), "bin", "javac").toString(), "-d", work.toString(),
                source.toString()));
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

    static void run(Path work, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException("failed: " + command + "\n" + out);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
