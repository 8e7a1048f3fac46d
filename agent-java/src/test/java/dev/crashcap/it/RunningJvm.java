package dev.crashcap.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM a test starts and keeps running (to attach to it), driven through its stdin, its output going to
 * files. Closing it kills it: use it in try-with-resources, so that no test leaves a JVM behind.
 */
final class RunningJvm implements AutoCloseable {
    final Process process;
    private final Path stdout;
    private final Path stderr;

    private RunningJvm(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static RunningJvm start(Path work, List<String> command, Map<String, String> env) throws IOException {
        Files.createDirectories(work);
        Path out = Files.createTempFile(work, "stdout", ".txt");
        Path err = Files.createTempFile(work, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        return new RunningJvm(builder.start(), out, err);
    }

    long pid() {
        return process.pid();
    }

    String stdout() throws IOException {
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    String stderr() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    /** Waits until stdout holds {@code text}; fails if the JVM exits first or 60 s pass. */
    RunningJvm awaitOutput(String text) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!stdout().contains(text)) {
            if (!process.isAlive()) throw new AssertionError("exited before printing '" + text + "': " + stdout() + stderr());
            if (System.nanoTime() > end) throw new AssertionError("no '" + text + "' in: " + stdout() + stderr());
            Thread.sleep(10);
        }
        return this;
    }

    void send(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(120, TimeUnit.SECONDS)) throw new AssertionError("still running after 120 s");
        return process.exitValue();
    }

    /**
     * SIGTERM first, so that the JVM exits normally and removes its attach socket from /tmp (SIGKILL would leave
     * it behind); SIGKILL if it is not gone after 10 s. A JVM that died of a crash leaves its socket too: removed
     * here, since the tests attach to many JVMs.
     */
    @Override
    public void close() throws InterruptedException, IOException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
        if (!process.isAlive()) Files.deleteIfExists(Path.of("/tmp/.java_pid" + process.pid()));
    }
}
