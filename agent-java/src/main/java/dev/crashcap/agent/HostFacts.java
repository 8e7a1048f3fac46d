package dev.crashcap.agent;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Facts about the machine the header records at arming, read from files the kernel and the distribution keep, so
 * that nothing here can block on the network (InetAddress.getLocalHost() may wait for DNS).
 */
final class HostFacts {
    private HostFacts() {}

    /** The distribution's name and version from {@code /etc/os-release} ({@code NAME}, {@code VERSION_ID}); null parts when absent. */
    record OsRelease(String name, String version) {}

    /** The host name as uname(2) gives it (the kernel's nodename), or {@code HOSTNAME}, or null. */
    static String hostName() {
        String name = firstLine(Path.of("/proc/sys/kernel/hostname"));
        if (name == null || name.isEmpty()) {
            name = System.getenv("HOSTNAME");
        }
        return name == null || name.isEmpty() ? null : name;
    }

    static OsRelease osRelease() {
        for (Path file : new Path[] {Path.of("/etc/os-release"), Path.of("/usr/lib/os-release")}) {
            try {
                String name = null;
                String version = null;
                for (String line : read(file).split("\n")) {
                    if (line.startsWith("NAME=")) name = unquote(line.substring(5));
                    if (line.startsWith("VERSION_ID=")) version = unquote(line.substring(11));
                }
                return new OsRelease(name, version);
            } catch (IOException | RuntimeException e) {
                // no such file here: try the next one the os-release(5) manual names
            }
        }
        return new OsRelease(null, null);
    }

    private static String unquote(String value) {
        String v = value.trim();
        if (v.length() >= 2 && (v.startsWith("\"") || v.startsWith("'")) && v.endsWith(v.substring(0, 1))) {
            v = v.substring(1, v.length() - 1);
        }
        return v.isEmpty() ? null : v;
    }

    private static String firstLine(Path file) {
        try {
            return read(file).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * A small file, whole. FileInputStream rather than Files.readString or readAllLines: those bring a file channel
     * and a charset decoder, about 30 classes that are not in the JDK's class-data archive, loaded for this alone in
     * premain.
     */
    private static String read(Path file) throws IOException {
        try (FileInputStream in = new FileInputStream(file.toString())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
