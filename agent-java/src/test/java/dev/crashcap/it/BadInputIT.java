package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crashcap.bundle.Samples;
import dev.crashcap.collector.LoopbackCollector;
import dev.crashcap.collector.LoopbackCollector.Mode;
import dev.crashcap.collector.Spool;
import dev.crashcap.collector.SpoolState;
import dev.crashcap.ship.ShipBundles;
import dev.crashcap.testapp.AttachTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 with real processes: the agent's bad disk caps, folders another user cannot read, and a folder of ten
 * thousand bundles listed and uploaded in a 64 MiB heap.
 */
class BadInputIT {
    private static final List<String> NOBODY = List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
            "--clear-groups");
    private static final int MANY = 10_000;

    @TempDir
    Path work;

    @Test
    void agentWarnsAtArmingAboutBadCapsAndDeletesNoBundleBecauseOfThem() throws Exception {
        Path folder = Files.createDirectories(work.resolve("bundles"));
        for (int i = 1; i <= 3; i++) {
            ShipBundles.bundle(folder, Samples.SEGV, i);
        }
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            List<String> command = TestJvm.uploadingTarget("dir=" + folder + ",url=" + collector.url("/b")
                    + ",max-bundles=-1,max-mb=-5");
            try (RunningJvm jvm = RunningJvm.start(work, command, Map.of())) {
                jvm.awaitOutput(AttachTarget.READY);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (collector.requests().size() < 3 && System.nanoTime() < end) {
                    Thread.sleep(50);
                }
                Thread.sleep(1_000); // the disk cap runs after the pass: give it the time it would take to delete
                jvm.send("exit");
                assertEquals(0, jvm.awaitExit(), jvm.stderr());
                assertEquals(3, collector.requests().size(), jvm.stderr());
                for (String option : List.of("max-bundles=-1", "max-mb=-5")) {
                    assertEquals(1, jvm.stderr().lines().filter(line -> line.equals("crashcap: agent option '" + option
                            + "' is not a whole number of 0 or more; the default is used")).count(), jvm.stderr());
                }
            }
        }
        for (int i = 1; i <= 3; i++) {
            assertEquals(SpoolState.SENT, Spool.stateOf(folder.resolve("crash-" + i)), "sent, and still there");
        }
    }

    @Test
    void foldersAnotherUserCannotReadAreSaidSoWithExit2() throws Exception {
        assumeTrue(isRoot() && Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs root and setpriv");
        assumeTrue(canRead(), "the build is not readable by uid 65534 (a private checkout)");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path closed = Files.createDirectories(work.resolve("closed"));
        Path inside = ShipBundles.bundle(closed, Samples.SEGV, 1);
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        // nobody's own folder, with one bundle it cannot look into (root's, 0700)
        Path own = Files.createDirectories(work.resolve("own"));
        Path shut = ShipBundles.bundle(own, Samples.SEGV, 2);
        Files.setPosixFilePermissions(shut, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(own, "unix:uid", 65534);

        TestJvm.Result inspect = TestJvm.cli(work, NOBODY, List.of(), "inspect", inside.toString());
        assertEquals(2, inspect.exitCode(), inspect.stderr());
        assertEquals("crashcap: cannot read " + inside + ": permission denied (a folder on the way is closed to this"
                + " user)\n", inspect.stderr());
        TestJvm.Result upload = TestJvm.cli(work, NOBODY, List.of(), "upload", closed.toString(), "--url",
                "http://127.0.0.1:9/");
        assertEquals(2, upload.exitCode(), upload.stderr());
        assertEquals("crashcap: cannot read " + closed + ": permission denied\n", upload.stderr());
        TestJvm.Result list = TestJvm.cli(work, NOBODY, List.of(), "list", own.toString());
        assertEquals(0, list.exitCode(), list.stderr());
        assertTrue(list.stdout().contains(shut + "  (cannot be read: permission denied)"), list.stdout());
    }

    @Test
    void tenThousandBundlesAreListedAndUploadedIn64MiB() throws Exception {
        Path folder = Files.createDirectories(work.resolve("bundles"));
        String sample = new String(Samples.bytes(Samples.SEGV), StandardCharsets.UTF_8)
                .replaceAll("process\\.pid\t\\d+", "process.pid\t" + ShipBundles.GONE_PID);
        String sent = "state=sent\nattempts=1\nnextAttemptMillis=0\ninFlight=false\nchangedMillis=1\n";
        for (int i = 0; i < MANY; i++) {
            Path dir = Files.createDirectories(folder.resolve("crash-" + i));
            Files.writeString(dir.resolve("capture.txt"),
                    sample.replaceAll("time\\.epochMillis\t\\d+", "time.epochMillis\t" + (1795517364000L + i)));
            if (i >= 50) { // all but 50 sent already: the pass still reads the whole spool, and sends 50
                Files.writeString(dir.resolve("spool.state"), sent);
            }
        }
        TestJvm.Result list = TestJvm.cli(work, List.of(), List.of("-Xmx64m"), "list", "--json", folder.toString());
        assertEquals(0, list.exitCode(), list.stderr());
        assertEquals(MANY, Pattern.compile("\"path\": ").matcher(list.stdout()).results().count());
        try (LoopbackCollector collector = new LoopbackCollector(Mode.OK)) {
            TestJvm.Result upload = TestJvm.cli(work, List.of(), List.of("-Xmx64m"), "upload", folder.toString(),
                    "--url", collector.url("/b"), "--max-bundles", "20000", "--crash-loop-limit", "100");
            assertEquals(0, upload.exitCode(), upload.stderr());
            assertTrue(upload.stdout().endsWith("sent 50, pending 0, failed 0, suppressed 0\n"), upload.stdout());
            assertEquals(50, collector.requests().size());
        }
        try (var children = Files.list(folder)) {
            assertEquals(MANY, children.filter(p -> !p.getFileName().toString().startsWith(".")).count(),
                    "nothing deleted");
        }
    }

    @Test
    void attachSaysWhyTheKernelRefusedWhenTheUserCheckPassed() throws Exception {
        boolean root = false;
        try {
            root = Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t0");
            Files.readString(Path.of("/proc/1/maps"));
            root = false; // readable here: nothing to refuse
        } catch (java.nio.file.AccessDeniedException e) {
            // root, refused by the kernel: the case under test
        } catch (java.io.IOException e) {
            root = false;
        }
        assumeTrue(root, "needs root, and a pid 1 whose maps root may not read (a container)");
        TestJvm.Result result = TestJvm.cli(work, "attach", "1", "--timeout", "1");
        assertEquals(7, result.exitCode(), result.stderr());
        assertFalse(result.stderr().contains("only the same user and group, or root"), result.stderr());
        assertTrue(result.stderr().startsWith("crashcap: permission denied: the kernel refuses to let this process (uid 0)"
                + " inspect pid 1"), result.stderr());
    }

    private static boolean canRead() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(NOBODY);
        command.addAll(List.of("/bin/sh", "-c", "test -x \"$0\" && test -r \"$1\"", TestJvm.java(),
                TestJvm.JAR.toString()));
        return new ProcessBuilder(command).start().waitFor() == 0;
    }

    private static boolean isRoot() {
        try {
            return Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t0");
        } catch (IOException e) {
            return false;
        }
    }
}
