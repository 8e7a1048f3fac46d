package dev.crashcap.testapp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * This process's threads as the kernel sees them ({@code /proc/self/task}): how the test application knows that a
 * thread is really asleep inside native code, which the Java thread state (RUNNABLE) cannot tell.
 */
final class KernelThreads {
    private KernelThreads() {
    }

    /** The state letter ({@code R}, {@code S}, …) of the thread whose kernel name is {@code name}, or null if none. */
    static String state(String name) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                if (name.equals(read(task.resolve("comm")).strip())) {
                    String stat = read(task.resolve("stat"));
                    return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
                }
            }
        } catch (IOException e) {
            // a task that exited while we looked: treat as not found this round
        }
        return null;
    }

    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return "";
        }
    }
}
