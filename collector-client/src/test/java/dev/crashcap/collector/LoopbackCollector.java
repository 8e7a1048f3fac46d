package dev.crashcap.collector;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real collector on 127.0.0.1 for tests: answers every POST with the configured behaviour, records each request,
 * and counts deliveries per bundle id the way a collector that honours {@code Crashcap-Bundle-Id} would.
 */
public final class LoopbackCollector implements AutoCloseable {
    /** How to answer. */
    public enum Mode { OK, CLIENT_ERROR, SERVER_ERROR, HANG, DROP, SLOW }

    /** One request as received. */
    public record Request(String path, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
                if (entry.getKey() != null && entry.getKey().equalsIgnoreCase(name)) {
                    return entry.getValue().get(0);
                }
            }
            return null;
        }
    }

    private final HttpServer server;
    private final ServerSocket dropper;
    private volatile Mode mode;
    private volatile long slowMillis = 300;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    /** Accepted deliveries per bundle id: a second one is a duplicate the collector drops. */
    private final Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();

    public LoopbackCollector(Mode mode) throws IOException {
        this.mode = mode;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "loopback-collector");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", this::handle);
        server.start();
        dropper = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread dropThread = new Thread(this::dropConnections, "loopback-dropper");
        dropThread.setDaemon(true);
        dropThread.start();
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    public void slowMillis(long millis) {
        this.slowMillis = millis;
    }

    /** The URL to post to; in DROP mode a socket that closes every connection after reading the request head. */
    public String url(String path) {
        int port = mode == Mode.DROP ? dropper.getLocalPort() : server.getAddress().getPort();
        return "http://127.0.0.1:" + port + path;
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public Map<String, AtomicInteger> accepted() {
        return accepted;
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        requests.add(new Request(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body));
        Mode now = mode;
        try {
            switch (now) {
                case OK -> answer(exchange, 200, countDelivery(exchange));
                case CLIENT_ERROR -> answer(exchange, 400, "bad bundle");
                case SERVER_ERROR -> answer(exchange, 503, "try later");
                case HANG -> {
                    Thread.sleep(60_000);
                    answer(exchange, 200, "too late");
                }
                case SLOW -> {
                    Thread.sleep(slowMillis);
                    answer(exchange, 200, countDelivery(exchange));
                }
                default -> answer(exchange, 500, "unexpected mode");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    private String countDelivery(HttpExchange exchange) {
        String id = exchange.getRequestHeaders().getFirst("Crashcap-Bundle-Id");
        int count = accepted.computeIfAbsent(String.valueOf(id), key -> new AtomicInteger()).incrementAndGet();
        return count == 1 ? "stored" : "duplicate dropped";
    }

    private static void answer(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    // Reads a little of the request, then closes the connection without a word: a collector that dies mid-request.
    private void dropConnections() {
        while (!dropper.isClosed()) {
            try (Socket socket = dropper.accept()) {
                socket.getInputStream().read(new byte[512]);
            } catch (IOException e) {
                // closed: the test is over
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.stop(0);
        dropper.close();
    }
}
