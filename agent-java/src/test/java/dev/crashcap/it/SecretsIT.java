package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.testapp.Crasher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No secret leaves the machine: a real JVM with secrets in its arguments, its environment and its agent options
 * dies, and neither the capture, nor the hs_err copy in the bundle, nor the zip that is uploaded holds one; HotSpot's
 * own hs_err file is left as it was. And the bundle folder itself: one other users can write to is refused, one the
 * agent creates is private with all its parents, whatever the umask.
 */
class SecretsIT {
    // Secrets by name (password properties, JDBC and URL passwords) and by value (token shapes under harmless names).
    private static final String DB_PASSWORD = "db-pass-4711";
    private static final String KEYSTORE_PASSWORD = "keystore-pass-4712";
    private static final String JDBC_PASSWORD = "jdbc-pass-4713";
    private static final String URL_PASSWORD = "url-pass-4714";
    private static final String TOOL_PASSWORD = "tool-pass-4715";
    private static final String AWS_KEY = "AKIAQWERTYUIOPASDFGH";
    private static final String GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
    private static final String SLACK_HOOK_PATH = "T0123ABCD/B0123ABCD/sl4ckW3bh00kS3cr3t";
    private static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQ3MTYifQ.c2lnbmF0dXJlLTQ3MTY";
    private static final String TOKEN_HEAD = "tok-head-4717";
    private static final String TOKEN_TAIL = "tok-tail-4718";
    private static final List<String> SECRETS = List.of(DB_PASSWORD, KEYSTORE_PASSWORD, JDBC_PASSWORD, URL_PASSWORD,
            TOOL_PASSWORD, AWS_KEY, GITHUB_TOKEN, SLACK_HOOK_PATH, JWT, TOKEN_HEAD, TOKEN_TAIL);

    @TempDir
    Path work;

    @Test
    void noSecretInTheCaptureTheHsErrCopyOrTheZip() throws Exception {
        Path bundles = work.resolve("bundles");
        Path hsErrPattern = work.resolve("hs_err_%p.log");
        List<String> jvmOptions = List.of(
                "-Dspring.datasource.password=" + DB_PASSWORD,
                "-Djavax.net.ssl.keyStorePassword=" + KEYSTORE_PASSWORD,
                "-Dspring.datasource.url=jdbc:postgresql://db.example/app?user=app&password=" + JDBC_PASSWORD,
                "-Dapp.endpoint=http://user:" + URL_PASSWORD + "@api.example/v1",
                "-Dapp.region=" + AWS_KEY,
                "-Dapp.build=" + GITHUB_TOKEN,
                "-Dapp.hook=https://hooks.slack.com/services/" + SLACK_HOOK_PATH,
                "-XX:ErrorFile=" + hsErrPattern);
        Map<String, String> env = Map.of(
                "JAVA_TOOL_OPTIONS", "-Dlegacy.db.password=" + TOOL_PASSWORD,
                "APP_SESSION_HINT", "Bearer " + JWT);
        // a comma inside the token: the whole of it is the token, and all of it is redacted
        TestJvm.Result run = TestJvm.crashWithAgentOptions(work, "dir=" + bundles + ",token=" + TOKEN_HEAD + ","
                + TOKEN_TAIL, jvmOptions, env, Crasher.class.getName(), "segv");
        assertNotEquals(0, run.exitCode());
        assertFalse(run.stderr().contains("unknown agent option"), run.stderr());
        Path bundle = Inspect.onlyBundle(bundles);
        Path original = work.resolve("hs_err_" + run.pid() + ".log");
        String originalText = Files.readString(original, StandardCharsets.ISO_8859_1);
        assertTrue(originalText.contains(DB_PASSWORD), "the test's secrets reach HotSpot's file: " + originalText);
        assertTrue(originalText.contains(TOOL_PASSWORD), "JAVA_TOOL_OPTIONS is in HotSpot's file");

        TestJvm.Result inspect = TestJvm.cli(work, "inspect", bundle.toString());
        assertEquals(0, inspect.exitCode(), inspect.stderr());
        assertNoSecret("inspect", inspect.stdout());
        assertNoSecret("capture.txt", Files.readString(bundle.resolve("capture.txt"), StandardCharsets.ISO_8859_1));
        TestJvm.Result finish = TestJvm.cli(work, "finish", bundle.toString()); // inspect only reads
        assertEquals(0, finish.exitCode(), finish.stdout() + finish.stderr());

        String copy = Files.readString(bundle.resolve("hs_err.log"), StandardCharsets.ISO_8859_1);
        assertTrue(copy.startsWith("# crashcap: secrets in this copy of the hs_err file are replaced by <redacted>"),
                copy.lines().findFirst().orElse(""));
        assertTrue(copy.contains("-Dspring.datasource.password=<redacted>"), copy);
        assertTrue(copy.contains("JAVA_TOOL_OPTIONS=-Dlegacy.db.password=<redacted>"), copy);
        assertTrue(copy.contains(", pid=" + run.pid() + ","), "the rest of the copy is HotSpot's");
        assertNoSecret("hs_err.log", copy);
        assertEquals(originalText, Files.readString(original, StandardCharsets.ISO_8859_1), "HotSpot's file untouched");

        String manifest = Files.readString(bundle.resolve("manifest.json"));
        assertTrue(manifest.contains("\"hsErrRedacted\": true"), manifest);
        Map<String, String> zip = unzip(bundle.resolve("bundle.zip"));
        assertTrue(zip.containsKey("hs_err.log"), zip.keySet().toString());
        zip.forEach((name, text) -> assertNoSecret("bundle.zip:" + name, text));

        TestJvm.Result json = TestJvm.cli(work, "inspect", "--json", bundle.toString());
        assertNoSecret("inspect --json", json.stdout());
        Inspect.json(work, bundle); // the invariants of every bundle
    }

    @Test
    void aFolderOthersCanWriteToIsRefusedAtArming() throws Exception {
        Path shared = Files.createDirectories(work.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        TestJvm.Result run = TestJvm.crashWithAgent(work, shared, List.of("-XX:ErrorFile=" + work + "/hs_err_%p.log"),
                Map.of(), Crasher.class.getName(), "segv");
        List<String> lines = run.stderr().lines().filter(line -> line.startsWith("crashcap:")).toList();
        assertEquals(1, lines.size(), run.stderr());
        assertTrue(lines.get(0).startsWith("crashcap: not armed: bundle folder " + shared
                + " is writable by other users (mode rwxrwxrwx)"), lines.get(0));
        try (Stream<Path> children = Files.list(shared)) {
            assertEquals(List.of(), children.toList(), "nothing written into the shared folder");
        }
        assertEquals(134, run.exitCode(), "the crash ends as without crashcap (HotSpot aborts)");
    }

    @Test
    void foldersTheAgentCreatesArePrivateWhateverTheUmask() throws Exception {
        Path bundles = work.resolve("a/b/bundles");
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "umask 000; exec \"$@\"", "sh"));
        command.add(TestJvm.java());
        command.add("-javaagent:" + TestJvm.JAR + "=dir=" + bundles);
        command.addAll(TestJvm.nativeAccessFlag());
        command.addAll(List.of("-XX:ErrorFile=" + work + "/hs_err_%p.log", "-Dcrashcap.testlib=" + TestJvm.TESTLIB,
                "-cp", TestJvm.TEST_CLASSES.toString(), Crasher.class.getName(), "segv"));
        // the library cache too (LibraryCache: $XDG_CACHE_HOME/crashcap)
        TestJvm.Result run = TestJvm.run(work, command, Map.of("XDG_CACHE_HOME", work.resolve("x/y/cache").toString()));
        assertFalse(run.stderr().contains("crashcap: not armed"), run.stderr());
        for (Path folder : List.of(work.resolve("a"), work.resolve("a/b"), bundles, Inspect.onlyBundle(bundles),
                work.resolve("x"), work.resolve("x/y"), work.resolve("x/y/cache"))) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)),
                    folder.toString());
        }
    }

    private static void assertNoSecret(String where, String text) {
        for (String secret : SECRETS) {
            assertFalse(text.contains(secret), where + " holds " + secret + ":\n" + text);
        }
    }

    private static Map<String, String> unzip(Path zip) throws IOException {
        Map<String, String> entries = new java.util.TreeMap<>();
        try (InputStream file = Files.newInputStream(zip); ZipInputStream in = new ZipInputStream(file)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                in.transferTo(bytes);
                entries.put(entry.getName(), bytes.toString(StandardCharsets.ISO_8859_1));
            }
        }
        return entries;
    }
}
