package dev.crashcap.agent;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** This process's command line, for the bundle header. */
final class CommandLine {
    private CommandLine() {}

    /** The command line exactly as the kernel has it (arguments with spaces stay whole). */
    static List<String> read() {
        List<String> args = new ArrayList<>();
        try (FileInputStream in = new FileInputStream("/proc/self/cmdline")) {
            byte[] bytes = in.readAllBytes();
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == 0) {
                    args.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
        } catch (IOException e) {
            // Without /proc there is no command line to record; the bundle says so by having none.
        }
        return args;
    }
}
