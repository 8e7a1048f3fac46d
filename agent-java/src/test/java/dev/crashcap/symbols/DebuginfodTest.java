package dev.crashcap.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.NativeFrame;
import dev.crashcap.bundle.Samples;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stripped module named from a debug file a debuginfod server (a real HTTP server on the loopback) sends for its
 * build-id; kept in the cache, so the server is asked once.
 */
class DebuginfodTest {
    @TempDir
    Path work;

    @Test
    void aDebugFileFromTheServerNamesTheFrameAndIsCached() throws Exception {
        Path module = work.resolve("libx.so");
        Path debug = work.resolve("served.debug");
        Files.copy(BuiltLibrary.LIBRARY, module);
        BuiltLibrary.tool("objcopy", "--only-keep-debug", module.toString(), debug.toString());
        BuiltLibrary.tool("objcopy", "--strip-all", module.toString());
        String buildId = BuiltLibrary.buildId();
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/buildid/", exchange -> {
            requests.incrementAndGet();
            byte[] body = exchange.getRequestURI().getPath().equals("/buildid/" + buildId + "/debuginfo")
                    ? Files.readAllBytes(debug) : null;
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            Debuginfod client = new Debuginfod(List.of(url), Duration.ofSeconds(5), work.resolve("cache"));
            long offset = BuiltLibrary.address("crashcaptest_write_null");
            Path noDebugFiles = work.resolve("no-usr-lib-debug");

            NativeFrame top = top(Symbolizer.apply(Samples.namelessTopFrame(module, buildId, offset), noDebugFiles, client));
            assertEquals("crashcaptest_write_null", top.function());
            assertTrue(top.file().endsWith("crashcaptest.c"), top.file());
            assertEquals(1, requests.get());
            assertTrue(Files.isRegularFile(work.resolve("cache").resolve(buildId + ".debug")));

            top = top(Symbolizer.apply(Samples.namelessTopFrame(module, buildId, offset), noDebugFiles, client));
            assertEquals("crashcaptest_write_null", top.function());
            assertEquals(1, requests.get(), "the second time from the cache");

            assertNull(client.debugFile("00" + buildId.substring(2)), "a build-id the server does not have");
            assertNull(top(Symbolizer.apply(Samples.namelessTopFrame(module, buildId, offset), noDebugFiles, null)).function(),
                    "without debuginfod the stripped module has no name");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void onlyHttpServersFromTheEnvironment() {
        assertNull(Debuginfod.fromEnvironment(Map.of()));
        assertNull(Debuginfod.fromEnvironment(Map.of("DEBUGINFOD_URLS", "file:///srv ftp://x")));
        assertTrue(Debuginfod.fromEnvironment(Map.of("DEBUGINFOD_URLS", " https://debuginfod.debian.net ")) != null);
    }

    private static NativeFrame top(Bundle bundle) {
        return bundle.crashingThread().topNativeFrame();
    }
}
