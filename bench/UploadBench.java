import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finishing and uploading N small synthetic bundles (the segv sample capture, each with its own crash time) to
 * a collector on 127.0.0.1 that answers 200 at once: one `crashcap upload` process, as a user or cron runs it,
 * timed from start to exit. Peak RSS of that process from /usr/bin/time; peak heap from its GC log (the largest
 * heap occupancy before a collection, or at exit). Both targets: the plain HTTP collector and a Sentry DSN.
 *
 * Run: bench/run.sh  (or: java bench/UploadBench.java <crashcap.jar> <sample capture> [bundles] [runs])
 */
public class UploadBench {
    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        String sample = Files.readString(Path.of(args[1]), StandardCharsets.UTF_8);
        int bundles = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        AtomicInteger received = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                bytes.addAndGet(in.readAllBytes().length);
            }
            received.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        System.out.println("Upload: finish + upload of " + bundles + " bundles (" + sample.length()
                + "-byte capture each) to a loopback collector, one `crashcap upload` process, median of " + runs
                + " runs");
        System.out.println();
        System.out.println("| target | bundles | wall time (s) | bundles/s | bytes sent per bundle | uploader peak heap (MiB) | uploader peak RSS (MiB) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        try {
            List<String> http = List.of("--url", base + "/bundles");
            List<String> sentry = List.of("--sentry-dsn", base.replace("http://", "http://key@") + "/1");
            row("plain HTTP (--url)", List.of(), http, jar, sample, bundles, runs, received, bytes);
            row("Sentry (--sentry-dsn)", List.of(), sentry, jar, sample, bundles, runs, received, bytes);
            // The default heap is a quarter of the machine's memory, and the JVM fills it before collecting:
            // the same runs with a small heap show what the uploader needs.
            row("plain HTTP, -Xmx32m", List.of("-Xmx32m"), http, jar, sample, bundles, runs, received, bytes);
            row("Sentry, -Xmx32m", List.of("-Xmx32m"), sentry, jar, sample, bundles, runs, received, bytes);
        } finally {
            server.stop(0);
            System.exit(0); // the server's executor threads are not daemons
        }
    }

    private static void row(String name, List<String> jvmOptions, List<String> target, Path jar, String sample, int bundles, int runs,
            AtomicInteger received, AtomicLong bytes) throws Exception {
        List<double[]> results = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            Path work = Files.createTempDirectory("crashcap-upload-bench");
            try {
                Path folder = Files.createDirectories(work.resolve("bundles"));
                for (int i = 0; i < bundles; i++) {
                    bundle(folder, sample, i);
                }
                received.set(0);
                bytes.set(0);
                Path gcLog = work.resolve("gc.log");
                Path timeLog = work.resolve("time.log");
                List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-v", "-o", timeLog.toString(),
                        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
                command.addAll(jvmOptions);
                command.addAll(List.of("-Xlog:gc:file=" + gcLog, "-jar", jar.toString(), "upload", folder.toString(),
                        "--max-bundles", Integer.toString(bundles * 2), "--crash-loop-limit", Integer.toString(bundles)));
                command.addAll(target);
                long start = System.nanoTime();
                Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                int exit = process.waitFor();
                double seconds = (System.nanoTime() - start) / 1e9;
                if (exit != 0 || received.get() != bundles) {
                    throw new IllegalStateException(name + ": exit " + exit + ", collector received " + received.get()
                            + " of " + bundles);
                }
                results.add(new double[] {seconds, bytes.get() / (double) bundles, peakHeapMiB(gcLog),
                        peakRssMiB(timeLog)});
            } finally {
                deleteTree(work);
            }
        }
        results.sort(Comparator.comparingDouble(r -> r[0]));
        double[] median = results.get(results.size() / 2);
        System.out.printf("| %s | %d | %.2f | %.0f | %.0f | %.0f | %.0f |%n", name, bundles, median[0],
                bundles / median[0], median[1], median[2], median[3]);
    }

    /** The segv sample with a pid no process has (so it is ready to finish) and a crash time of its own. */
    private static void bundle(Path folder, String sample, int n) throws IOException {
        String text = sample.replaceAll("process\\.pid\t\\d+", "process.pid\t9000000")
                .replaceAll("time\\.epochMillis\t\\d+", "time.epochMillis\t" + (1795517364000L + n));
        Path dir = Files.createDirectories(folder.resolve("crash-" + n));
        Files.writeString(dir.resolve("capture.txt"), text, StandardCharsets.UTF_8);
    }

    // "GC(3) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(64M)": the largest "before" is the peak occupancy.
    private static double peakHeapMiB(Path gcLog) throws IOException {
        Matcher m = Pattern.compile("(\\d+)M->(\\d+)M\\(").matcher(Files.readString(gcLog));
        double peak = 0;
        while (m.find()) {
            peak = Math.max(peak, Double.parseDouble(m.group(1)));
        }
        return peak;
    }

    private static double peakRssMiB(Path timeLog) throws IOException {
        for (String line : Files.readAllLines(timeLog)) {
            if (line.contains("Maximum resident set size")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
