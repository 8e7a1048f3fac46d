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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finishing and uploading N small synthetic bundles (the segv sample capture, each with its own crash time) to
 * a collector on 127.0.0.1 that answers 200 at once: one `crashcap upload` process, as a user or cron runs it,
 * timed from start to exit (JVM start-up included). Peak RSS of that process from /usr/bin/time; peak heap from its
 * GC log (the largest heap occupancy before a collection, or at exit). Both targets: the plain HTTP collector and a
 * Sentry DSN; two kinds of bundle: the sample as it is (its modules' build-ids are another machine's, so finishing
 * finds no symbols) and the sample with this machine's build-ids for the modules it has (a backlog of crashes on
 * this host: finishing reads libjvm's symbol table and writes symbols.txt).
 *
 * Given a second jar (an older build), each row is measured for both builds, interleaved run by run, so that the
 * load of a shared machine falls on both alike.
 *
 * Run: bench/run.sh  (or: java bench/UploadBench.java <crashcap.jar> <sample capture> [bundles] [runs] [old crashcap.jar])
 */
public class UploadBench {
    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        String sample = Files.readString(Path.of(args[1]), StandardCharsets.UTF_8);
        int bundles = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Path oldJar = args.length > 4 ? Path.of(args[4]).toAbsolutePath() : null;
        AtomicInteger received = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        Set<InetSocketAddress> connections = ConcurrentHashMap.newKeySet(); // client ends seen: TCP connections
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                bytes.addAndGet(in.readAllBytes().length);
            }
            received.incrementAndGet();
            connections.add(exchange.getRemoteAddress());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        String local = withLocalBuildIds(sample);
        System.out.println("Upload: finish + upload of " + bundles + " bundles (" + sample.length()
                + "-byte capture each) to a loopback collector, one `crashcap upload` process, median of " + runs
                + " runs" + (oldJar == null ? "" : "; old = " + oldJar.getFileName() + ", new = " + jar.getFileName()
                + ", interleaved") + "; load average " + String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3)));
        System.out.println();
        System.out.println("| build | target | bundles | wall time (s) | bundles/s | ms per bundle | TCP connections | bytes sent per bundle | uploader peak heap (MiB) | uploader peak RSS (MiB) |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        List<Path> jars = oldJar == null ? List.of(jar) : List.of(oldJar, jar);
        try {
            List<String> http = List.of("--url", base + "/bundles");
            List<String> sentry = List.of("--sentry-dsn", base.replace("http://", "http://key@") + "/1");
            rows("plain HTTP (--url), sample build-ids", http, jars, sample, bundles, runs, received, bytes, connections);
            rows("plain HTTP (--url), this host's build-ids", http, jars, local, bundles, runs, received, bytes, connections);
            rows("Sentry (--sentry-dsn), sample build-ids", sentry, jars, sample, bundles, runs, received, bytes, connections);
            rows("Sentry (--sentry-dsn), this host's build-ids", sentry, jars, local, bundles, runs, received, bytes, connections);
        } finally {
            server.stop(0);
            System.exit(0); // the server's executor threads are not daemons
        }
    }

    /** One row per build; the builds' runs interleaved. */
    private static void rows(String name, List<String> target, List<Path> jars, String sample, int bundles, int runs,
            AtomicInteger received, AtomicLong bytes, Set<InetSocketAddress> connections) throws Exception {
        List<List<double[]>> results = new ArrayList<>();
        jars.forEach(jar -> results.add(new ArrayList<>()));
        for (int run = 0; run < runs; run++) {
            for (int j = 0; j < jars.size(); j++) {
                results.get(j).add(run(name, target, jars.get(j), sample, bundles, received, bytes, connections));
            }
        }
        for (int j = 0; j < jars.size(); j++) {
            List<double[]> sorted = new ArrayList<>(results.get(j));
            sorted.sort(Comparator.comparingDouble(r -> r[0]));
            double[] median = sorted.get(sorted.size() / 2);
            String build = jars.size() == 1 ? "this" : j == 0 ? "old" : "new";
            System.out.printf("| %s | %s | %d | %.2f | %.0f | %.1f | %.0f | %.0f | %.0f | %.0f |%n", build, name, bundles,
                    median[0], bundles / median[0], median[0] * 1000 / bundles, median[4], median[1], median[2], median[3]);
        }
    }

    private static double[] run(String name, List<String> target, Path jar, String sample, int bundles,
            AtomicInteger received, AtomicLong bytes, Set<InetSocketAddress> connections) throws Exception {
        Path work = Files.createTempDirectory("crashcap-upload-bench");
        try {
            Path folder = Files.createDirectories(work.resolve("bundles"));
            for (int i = 0; i < bundles; i++) {
                bundle(folder, sample, i);
            }
            received.set(0);
            bytes.set(0);
            connections.clear();
            Path gcLog = work.resolve("gc.log");
            Path timeLog = work.resolve("time.log");
            List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-v", "-o", timeLog.toString(),
                    Path.of(System.getProperty("java.home"), "bin", "java").toString()));
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
            return new double[] {seconds, bytes.get() / (double) bundles, peakHeapMiB(gcLog), peakRssMiB(timeLog),
                    connections.size()};
        } finally {
            deleteTree(work);
        }
    }

    /**
     * The sample with the build-id of each module file this machine has (the same path) put in its module line:
     * bundles of crashes on this host, whose modules finishing reads for symbols.
     */
    private static String withLocalBuildIds(String sample) throws Exception {
        StringBuilder out = new StringBuilder();
        for (String line : sample.split("\n", -1)) {
            String[] fields = line.split("\t");
            if (fields.length == 5 && fields[0].equals("module") && Files.isRegularFile(Path.of(fields[4]))) {
                String buildId = buildId(Path.of(fields[4]));
                if (buildId != null) {
                    line = String.join("\t", fields[0], fields[1], fields[2], buildId, fields[4]);
                }
            }
            out.append(line).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }

    private static String buildId(Path file) throws Exception {
        Process readelf = new ProcessBuilder("readelf", "-n", file.toString()).redirectErrorStream(true).start();
        String notes = new String(readelf.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        readelf.waitFor();
        Matcher m = Pattern.compile("Build ID: ([0-9a-f]+)").matcher(notes);
        return m.find() ? m.group(1) : null;
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
