package dev.crashcap.symbols;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Debug files from debuginfod servers ({@code GET <url>/buildid/<build-id>/debuginfo}), the servers named in
 * {@code DEBUGINFOD_URLS} (separated by spaces), as GDB and elfutils ask them. Off unless asked for
 * ({@code crashcap inspect --debuginfod}): it sends the build-ids of a crashed process's modules over the network.
 * Each request has a timeout ({@code DEBUGINFOD_TIMEOUT} seconds, default {@value #DEFAULT_TIMEOUT_SECONDS});
 * a file is kept in {@code $XDG_CACHE_HOME/crashcap/debuginfod} (else {@code ~/.cache/…}), private to the user,
 * and used, like any debug file, only if its build-id is the module's ({@link Symbolizer} checks).
 */
final class Debuginfod {
    static final int DEFAULT_TIMEOUT_SECONDS = 10;
    private static final long MAX_BYTES = 1L << 30;
    private static final Pattern BUILD_ID = Pattern.compile("[0-9a-f]{4,128}");

    private final List<URI> servers;
    private final Duration timeout;
    private final Path cache;
    private HttpClient client;

    Debuginfod(List<URI> servers, Duration timeout, Path cache) {
        this.servers = servers;
        this.timeout = timeout;
        this.cache = cache;
    }

    /** The client the environment describes, or null when DEBUGINFOD_URLS names no http(s) server. */
    static Debuginfod fromEnvironment(Map<String, String> env) {
        List<URI> servers = new ArrayList<>();
        for (String url : env.getOrDefault("DEBUGINFOD_URLS", "").trim().split("\\s+")) {
            try {
                URI uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
                if ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) {
                    servers.add(uri);
                }
            } catch (IllegalArgumentException e) {
                // not a URL: skipped, as debuginfod clients do
            }
        }
        if (servers.isEmpty()) {
            return null;
        }
        int seconds = DEFAULT_TIMEOUT_SECONDS;
        try {
            seconds = Math.max(1, Integer.parseInt(env.getOrDefault("DEBUGINFOD_TIMEOUT", "").trim()));
        } catch (NumberFormatException e) {
            // the default
        }
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new Debuginfod(servers, Duration.ofSeconds(seconds), base.resolve("crashcap").resolve("debuginfod"));
    }

    /** The debug file for the build-id, from the cache or the first server that has it; null if none does. */
    Path debugFile(String buildId) {
        String id = buildId.toLowerCase(Locale.ROOT);
        if (!BUILD_ID.matcher(id).matches()) {
            return null;
        }
        Path cached = cache.resolve(id + ".debug");
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        for (URI server : servers) {
            if (download(URI.create(server + "/buildid/" + id + "/debuginfo"), cached)) {
                return cached;
            }
        }
        return null;
    }

    private boolean download(URI uri, Path target) {
        Path temporary = null;
        try {
            if (client == null) {
                client = HttpClient.newBuilder().connectTimeout(timeout)
                        .followRedirects(HttpClient.Redirect.NORMAL).build();
            }
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    return false;
                }
                Files.createDirectories(target.getParent(),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                temporary = Files.createTempFile(target.getParent(), ".download", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try (OutputStream out = Files.newOutputStream(temporary, StandardOpenOption.TRUNCATE_EXISTING)) {
                    byte[] buffer = new byte[64 * 1024];
                    long total = 0;
                    for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                        total += n;
                        if (total > MAX_BYTES) {
                            return false;
                        }
                        out.write(buffer, 0, n);
                    }
                }
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                temporary = null;
                return true;
            }
        } catch (IOException | RuntimeException e) {
            return false; // no server, a timeout, a full disk: the frame keeps what it had
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException e) {
                    // a hidden temporary file left in the cache; the next download replaces nothing with it
                }
            }
        }
    }
}
