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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * `crashcap list`, `list --json` and `upload` over folders of many small bundles (the segv sample capture, each
 * with its own crash time and a pid no process has), each command one process with a heap limit, as a user or
 * cron runs it: wall time from start to exit, peak heap from its GC log (the largest occupancy before a
 * collection), peak RSS from /usr/bin/time. Upload goes to a collector on 127.0.0.1 that answers 200 at once.
 *
 * Run: bench/run.sh, or alone: java bench/ScaleBench.java <crashcap.jar> <sample capture> [-Xmx] [bundles...]
 * (default: -Xmx64m, 1000 10000). Upload of 10,000 bundles takes minutes: it finishes (symbolizes, zips) and
 * fsyncs every one.
 */
public class ScaleBench {
    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        String sample = Files.readString(Path.of(args[1]), StandardCharsets.UTF_8);
        String heap = args.length > 2 ? args[2] : "-Xmx64m";
        List<Integer> sizes = new ArrayList<>();
        for (int i = 3; i < args.length; i++) sizes.add(Integer.parseInt(args[i]));
        if (sizes.isEmpty()) sizes = List.of(1000, 10000);
        AtomicInteger received = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            received.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/bundles";
        System.out.println("Scale: one crashcap process per command over N bundles (" + sample.length()
                + "-byte capture each), " + heap);
        System.out.println();
        System.out.println("| command | bundles | exit | wall time (s) | peak heap (MiB) | peak RSS (MiB) |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        try {
            for (int bundles : sizes) {
                Path work = Files.createTempDirectory("crashcap-scale-bench");
                try {
                    Path folder = Files.createDirectories(work.resolve("bundles"));
                    for (int i = 0; i < bundles; i++) bundle(folder, sample, i);
                    run(work, jar, heap, bundles, List.of("list", folder.toString()));
                    run(work, jar, heap, bundles, List.of("list", "--json", folder.toString()));
                    received.set(0);
                    int exit = run(work, jar, heap, bundles, List.of("upload", folder.toString(), "--url", url,
                            "--max-bundles", Integer.toString(bundles * 2), "--crash-loop-limit",
                            Integer.toString(bundles)));
                    if (exit == 0 && received.get() != bundles) {
                        System.out.println("(upload: the collector received " + received.get() + " of " + bundles + ")");
                    }
                } finally {
                    deleteTree(work);
                }
            }
        } finally {
            server.stop(0);
            System.exit(0); // the server's executor threads are not daemons
        }
    }

    private static int run(Path work, Path jar, String heap, int bundles, List<String> arguments) throws Exception {
        Path gcLog = work.resolve("gc.log");
        Path timeLog = work.resolve("time.log");
        Files.deleteIfExists(gcLog);
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-v", "-o", timeLog.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap,
                "-Xlog:gc:file=" + gcLog, "-jar", jar.toString()));
        command.addAll(arguments);
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int exit = process.waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        String name = arguments.get(0) + (arguments.get(1).startsWith("--") ? " " + arguments.get(1) : "");
        System.out.printf("| %s | %d | %d | %.2f | %.0f | %.0f |%n", name, bundles, exit, seconds, peakHeapMiB(gcLog),
                peakRssMiB(timeLog));
        return exit;
    }

    /** The sample with a pid no process has (so it is ready to finish) and a crash time of its own. */
    private static void bundle(Path folder, String sample, int n) throws IOException {
        String text = sample.replaceAll("process\\.pid\t\\d+", "process.pid\t9000000")
                .replaceAll("time\\.epochMillis\t\\d+", "time.epochMillis\t" + (1795517364000L + n));
        Path dir = Files.createDirectories(folder.resolve("crash-" + n));
        Files.writeString(dir.resolve("capture.txt"), text, StandardCharsets.UTF_8);
    }

    // "GC(3) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(64M)": the largest "before" is the peak occupancy.
    private static double peakHeapMiB(Path gcLog) throws IOException {
        if (!Files.exists(gcLog)) return Double.NaN;
        Matcher m = Pattern.compile("(\\d+)M->(\\d+)M\\(").matcher(Files.readString(gcLog));
        double peak = 0;
        while (m.find()) peak = Math.max(peak, Double.parseDouble(m.group(1)));
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
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(path);
        }
    }
}
