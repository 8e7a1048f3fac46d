import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the report's context (issue 12: the crash-memory, vm and host sections of capture.txt) costs at a crash: the
 * handler's own measure of the time it takes ({@code context.micros}) against the whole capture
 * ({@code capture.micros}), and the bytes it adds to capture.txt, for a SIGSEGV in JNI ({@code Crasher segv}),
 * median of several runs. Run: bench/run.sh, or
 * {@code java bench/ContextBench.java <crashcap.jar> <libcrashcaptest.so> <test-classes> [runs]}.
 */
public class ContextBench {
    static final List<String> SECTIONS = List.of("crash-memory", "vm", "host");

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path testlib = Path.of(args[1]).toAbsolutePath();
        Path classes = Path.of(args[2]).toAbsolutePath();
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path work = Files.createTempDirectory("crashcap-context-bench");
        List<Double> context = new ArrayList<>(), capture = new ArrayList<>();
        List<Double> total = new ArrayList<>(), added = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            Path bundles = work.resolve("run" + run);
            Process jvm = new ProcessBuilder(java, "-javaagent:" + jar + "=dir=" + bundles,
                    "-XX:ErrorFile=" + work.resolve("hs_err_%p.log"), "-Dcrashcap.testlib=" + testlib, "-cp",
                    classes.toString(), "dev.crashcap.testapp.Crasher", "segv")
                    .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("out.txt").toFile())
                    .start();
            if (!jvm.waitFor(120, TimeUnit.SECONDS)) {
                jvm.destroyForcibly();
                throw new IOException("the crashing JVM did not end");
            }
            Path file;
            try (Stream<Path> list = Files.list(bundles)) {
                file = list.findFirst().orElseThrow().resolve("capture.txt");
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            long sectionBytes = 0;
            String section = "";
            for (String line : lines) {
                if (line.startsWith("section\t")) {
                    section = line.substring(8);
                }
                if (SECTIONS.contains(section)) {
                    sectionBytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
                }
                if (line.startsWith("context.micros\t")) {
                    context.add(Long.parseLong(line.substring(15)) / 1000.0);
                }
                if (line.startsWith("capture.micros\t")) {
                    capture.add(Long.parseLong(line.substring(15)) / 1000.0);
                }
            }
            total.add(Files.size(file) / 1024.0);
            added.add(sectionBytes / 1024.0);
        }
        System.out.printf("the report's context at a crash (SIGSEGV in JNI, java %s, %d runs, median)%n",
                System.getProperty("java.version"), runs);
        System.out.printf("%22s %22s %20s %20s%n", "context ms", "whole capture ms", "context KiB", "capture.txt KiB");
        System.out.printf("%22.2f %22.1f %20.1f %20.1f%n", median(context), median(capture), median(added), median(total));
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
    }
}
