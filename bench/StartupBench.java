import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Start-up cost of the agent: a trivial program started many times without and with
 * -javaagent:crashcap.jar, alternating so that both see the same machine noise. Wall time is measured
 * here, from process start to exit; peak RSS is VmHWM from /proc/self/status, printed by the trivial
 * program at the end of its main. Prints a table of medians.
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

        List<Double> plainMs = new ArrayList<>(), emptyMs = new ArrayList<>(), armedMs = new ArrayList<>();
        List<Long> plainKb = new ArrayList<>(), emptyKb = new ArrayList<>(), armedKb = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            measure(work, plain, plainMs, plainKb);
            measure(work, empty, emptyMs, emptyKb);
            measure(work, armed, armedMs, armedKb);
        }
        double pm = median(plainMs), em = median(emptyMs), am = median(armedMs);
        long pk = medianLong(plainKb), ek = medianLong(emptyKb), ak = medianLong(armedKb);
        System.out.printf("startup of a trivial program, %d runs each, medians (java %s)%n", runs, System.getProperty("java.version"));
        System.out.printf("%-38s %10s %14s%n", "", "wall ms", "peak RSS MiB");
        System.out.printf("%-38s %10.1f %14.1f%n", "no agent", pm, pk / 1024.0);
        System.out.printf("%-38s %10.1f %14.1f%n", "an empty -javaagent (JVM's own cost)", em, ek / 1024.0);
        System.out.printf("%-38s %10.1f %14.1f%n", "crashcap agent", am, ak / 1024.0);
        System.out.printf("%-38s %+10.1f %+14.1f%n", "crashcap vs no agent", am - pm, (ak - pk) / 1024.0);
        System.out.printf("%-38s %+10.1f %+14.1f%n", "crashcap vs an empty agent", am - em, (ak - ek) / 1024.0);
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

    static void measure(Path work, List<String> command, List<Double> ms, List<Long> kb) throws Exception {
        long start = System.nanoTime();
        String out = run(work, command);
        ms.add((System.nanoTime() - start) / 1e6);
        kb.add(Long.parseLong(out.trim()));
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
