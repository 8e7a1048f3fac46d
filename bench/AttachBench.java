import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Attach latency: from the start of the attach command to the target JVM being armed (the command exits only
 * after it has read the armed state back from the target). Each run attaches to a fresh, idle target JVM
 * (a program that sleeps), so every run includes starting the target's attach listener (trigger file and
 * SIGQUIT). Rows:
 *   crashcap attach               java -jar crashcap.jar attach <pid> dir=…, wall time of the whole command
 *   crashcap attach, in-process   Attacher.attach called in this JVM: the attach itself, without the CLI's JVM start-up
 *   crashcap attach, armed already  the command against a JVM armed before (reads its properties, loads nothing)
 *   JDK attach API                 a java program doing VirtualMachine.attach(pid).loadAgent(jar, options): the baseline
 * For each target JDK given. Prints a table of medians.
 *
 * Run: bench/run.sh  (or: java -cp agent-java/target/classes bench/AttachBench.java <crashcap.jar> <runs> <java home>...)
 */
public class AttachBench {
    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        agentJar = jar;
        int runs = Integer.parseInt(args[1]);
        List<Path> targetJdks = new ArrayList<>();
        for (int i = 2; i < args.length; i++) targetJdks.add(Path.of(args[i]));
        if (targetJdks.isEmpty()) targetJdks.add(Path.of(System.getProperty("java.home")));

        Path work = Files.createTempDirectory("crashcap-attach-bench");
        Files.writeString(work.resolve("Idle.java"), """
                public class Idle {
                    public static void main(String[] args) throws Exception {
                        System.out.println("ready");
                        Thread.sleep(600_000);
                    }
                }
                """);
        Files.writeString(work.resolve("JdkAttach.java"), """
                public class JdkAttach {
                    public static void main(String[] args) throws Exception {
                        com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(args[0]);
                        vm.loadAgent(args[1], args[2]);
                        vm.detach();
                    }
                }
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String javac = Path.of(System.getProperty("java.home"), "bin", "javac").toString();
        run(work, List.of(javac, "--release", "17", "-d", work.toString(),
                work.resolve("Idle.java").toString(), work.resolve("JdkAttach.java").toString()));

        System.out.printf("attach latency, command start to armed, median of %d runs (CLI on java %s)%n",
                runs, System.getProperty("java.version"));
        System.out.printf("%-34s %10s %10s %10s%n", "target JDK / how", "median ms", "min ms", "max ms");
        for (Path jdk : targetJdks) {
            String targetJava = jdk.resolve("bin/java").toString();
            String version = feature(jdk);
            List<String> quiet = Integer.parseInt(version) >= 21
                    ? List.of("-XX:+EnableDynamicAgentLoading", "--enable-native-access=ALL-UNNAMED") : List.of();
            List<String> target = new ArrayList<>(List.of(targetJava));
            target.addAll(quiet);
            target.addAll(List.of("-cp", work.toString(), "Idle"));
            String bundles = "dir=" + work.resolve("bundles");

            row("JDK " + version + " crashcap attach", runs, work, target, pid ->
                    List.of(java, "-jar", jar.toString(), "attach", Long.toString(pid), bundles), false);
            row("JDK " + version + " crashcap attach, in-process", runs, work, target, null, false);
            row("JDK " + version + " crashcap, armed already", runs, work, target, pid ->
                    List.of(java, "-jar", jar.toString(), "attach", Long.toString(pid), bundles), true);
            row("JDK " + version + " JDK attach API", runs, work, target, pid ->
                    List.of(java, "-cp", work.toString(), "JdkAttach", Long.toString(pid), jar.toString(), bundles), false);
        }
        try (var paths = Files.walk(work)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(path);
        }
    }

    /** One row: {@code runs} fresh targets, each attached once (or armed first, then measured). */
    static void row(String name, int runs, Path work, List<String> target, LongFunction<List<String>> attach,
                    boolean armFirst) throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Process jvm = new ProcessBuilder(target).directory(work.toFile()).redirectErrorStream(true).start();
            try {
                awaitReady(jvm);
                Thread.sleep(300); // let the target go idle (JIT compiler threads done with start-up)
                if (armFirst) inProcess(jvm.pid(), work);
                long start = System.nanoTime();
                if (attach == null) inProcess(jvm.pid(), work);
                else run(work, attach.apply(jvm.pid()));
                millis.add((System.nanoTime() - start) / 1e6);
                if (!jvm.isAlive()) throw new IllegalStateException("the target died");
            } finally {
                jvm.destroy(); // SIGTERM: the JVM exits normally and removes its attach socket (SIGKILL would not)
                jvm.waitFor();
            }
        }
        Collections.sort(millis);
        System.out.printf("%-34s %10.1f %10.1f %10.1f%n", name, millis.get(millis.size() / 2), millis.get(0),
                millis.get(millis.size() - 1));
    }

    /** The crashcap.jar the attaches load into the targets. */
    static Path agentJar;

    /** The attach itself, in this JVM (crashcap's classes are on the class path): no CLI start-up. */
    static void inProcess(long pid, Path work) throws Exception {
        dev.crashcap.attach.Attacher.attach(pid, agentJar, "dir=" + work.resolve("bundles"), Duration.ofSeconds(10));
    }

    static void awaitReady(Process jvm) throws IOException {
        int c;
        StringBuilder line = new StringBuilder();
        while ((c = jvm.getInputStream().read()) >= 0 && c != '\n') line.append((char) c);
        if (!line.toString().equals("ready")) throw new IllegalStateException("target did not start: " + line);
    }

    static String feature(Path jdk) throws IOException {
        for (String line : Files.readAllLines(jdk.resolve("release"))) {
            if (line.startsWith("JAVA_VERSION=")) return line.replaceAll("[^0-9.]", "").split("\\.")[0];
        }
        return "?";
    }

    static String run(Path work, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException("failed: " + command + "\n" + out);
        return out;
    }
}
