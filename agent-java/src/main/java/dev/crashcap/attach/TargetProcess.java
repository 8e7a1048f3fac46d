package dev.crashcap.attach;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A process as {@code /proc/<pid>} shows it, read from outside, before anything is sent to it. */
final class TargetProcess {
    final long pid;
    final ProcStatus status;
    private final Path proc;
    /** /proc/<pid>/maps, read once: kind() and releaseVersion() both need it, and a JVM of 1,000 threads has a long one. */
    private String maps;

    private TargetProcess(long pid, ProcStatus status) {
        this.pid = pid;
        this.status = status;
        this.proc = Path.of("/proc", Long.toString(pid));
    }

    static TargetProcess open(long pid) throws AttachException {
        if (pid <= 0) throw new AttachException(AttachFailure.NO_SUCH_PROCESS, "no such process: " + pid);
        try {
            String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8);
            if (status.contains("\nState:\tZ")) {
                throw new AttachException(AttachFailure.NO_SUCH_PROCESS, "no such process: " + pid + " has exited");
            }
            return new TargetProcess(pid, ProcStatus.parse(status, pid));
        } catch (NoSuchFileException e) {
            throw new AttachException(AttachFailure.NO_SUCH_PROCESS, "no such process: " + pid);
        } catch (IOException | RuntimeException e) {
            throw new AttachException(AttachFailure.NO_SUCH_PROCESS, "cannot read /proc/" + pid + "/status: " + e);
        }
    }

    static ProcStatus self() throws IOException {
        return ProcStatus.parse(Files.readString(Path.of("/proc/self/status"), StandardCharsets.UTF_8),
                ProcessHandle.current().pid());
    }

    /** What kind of process it is, from its mapped libraries (readable by its owner and root only). */
    JvmKind kind() throws AttachException {
        try {
            return JvmKind.of(maps());
        } catch (AccessDeniedException e) {
            throw mapsDenied();
        } catch (NoSuchFileException e) {
            throw new AttachException(AttachFailure.NO_SUCH_PROCESS, "no such process: " + pid + " has exited");
        } catch (IOException e) {
            throw new AttachException(AttachFailure.PERMISSION_DENIED, "cannot read " + proc.resolve("maps") + ": " + e);
        }
    }

    /**
     * True if crashcap's library is mapped in the target (armed by -agentpath, by a Java agent or by an earlier dump,
     * of whatever version: {@code libcrashcap.so}, or the Java agent's cached {@code libcrashcap-<sha256>.so}), or if
     * that cannot be known: then a dump takes the Java agent's way. The test libraries (libcrashcaptest.so) are not it.
     */
    boolean hasCrashcapLibrary() {
        try {
            return CRASHCAP_LIBRARY.matcher(maps()).find();
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    private static final java.util.regex.Pattern CRASHCAP_LIBRARY =
            java.util.regex.Pattern.compile("/libcrashcap(-[0-9a-f]+)?\\.so( \\(deleted\\))?$", java.util.regex.Pattern.MULTILINE);

    private String maps() throws IOException {
        if (maps == null) maps = Files.readString(proc.resolve("maps"), StandardCharsets.ISO_8859_1);
        return maps;
    }

    AttachException permissionDenied() {
        return new AttachException(AttachFailure.PERMISSION_DENIED, "permission denied: pid " + pid + " runs as uid "
                + status.effectiveUid() + " gid " + status.effectiveGid()
                + "; HotSpot lets only the same user and group, or root, attach");
    }

    /**
     * /proc/<pid>/maps refused although the user check passed (root, or the same uid and gid): the kernel's own
     * rule, not HotSpot's, said no. Saying "only the same user, or root" to root would be false.
     */
    private AttachException mapsDenied() {
        ProcStatus self;
        try {
            self = self();
        } catch (IOException | RuntimeException e) {
            return permissionDenied();
        }
        if (!self.isRoot() && self.effectiveUid() != status.effectiveUid()) {
            return permissionDenied();
        }
        return new AttachException(AttachFailure.PERMISSION_DENIED, "permission denied: the kernel refuses to let"
                + " this process (uid " + self.effectiveUid() + ") inspect pid " + pid + " (/proc/" + pid
                + "/maps cannot be read): it is not dumpable, kernel.yama.ptrace_scope forbids it, or it runs in"
                + " another user namespace or a container this one has no CAP_SYS_PTRACE over");
    }

    /** The JVM options it was started with, as far as they can be read (JvmFlags). */
    JvmFlags flags() {
        return JvmFlags.of(nulSeparated("cmdline"), environment());
    }

    /** Its working directory: HotSpot looks for the attach trigger file there first. */
    Path cwd() {
        return proc.resolve("cwd");
    }

    /**
     * Its root directory as seen from here: "/" unless it runs in another mount namespace (a container), whose
     * files, /tmp among them, are then reached through /proc/<pid>/root. (Comparing the root directories
     * themselves is not enough: a container may share "/" and mount its own /tmp.)
     */
    Path root() {
        try {
            Path ours = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt"));
            if (Files.readSymbolicLink(proc.resolve("ns/mnt")).equals(ours)) return Path.of("/");
        } catch (IOException e) {
            return Path.of("/"); // unreadable: the plain paths are the best guess
        }
        return proc.resolve("root");
    }

    /** HotSpot's temporary directory ({@code os::get_temp_directory()}, always /tmp on Linux), as seen from here. */
    Path tmp() {
        return root().resolve("tmp");
    }

    /** The socket its attach listener binds: {@code /tmp/.java_pid<pid>}, named by its pid in its own namespace. */
    Path socket() {
        return tmp().resolve(".java_pid" + status.namespacePid());
    }

    /**
     * The Java specification version ({@code 17}, {@code 11}, {@code 1.8}) of the runtime it runs, from the
     * {@code release} file of the JDK its libjvm.so belongs to ({@code <home>/lib/server/libjvm.so}); null when that
     * cannot be read (then the attach protocol's {@code properties} tells). Read from outside, so that a dump needs
     * no {@code properties} round trip before it loads the agent: the first one costs the target 75 ms and more
     * (Properties.store initialises the JDK's time zone and calendar classes to write its date line).
     */
    String releaseVersion() {
        try {
            Path library = null;
            for (String line : maps().split("\n")) {
                int slash = line.indexOf('/');
                if (slash >= 0 && line.endsWith("/libjvm.so")) {
                    library = Path.of(line.substring(slash));
                    break;
                }
            }
            Path home = library == null || library.getNameCount() < 4 ? null : library.getParent().getParent().getParent();
            if (home == null) return null;
            Path release = root().resolve(Path.of("/").relativize(home)).resolve("release");
            for (String line : Files.readString(release, StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("JAVA_VERSION=")) return specificationVersion(line.substring(13).replace("\"", "").trim());
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: the properties command tells
        }
        return null;
    }

    /** {@code 17.0.15} → {@code 17}, {@code 1.8.0_292} → {@code 1.8}; null if it is no version. */
    static String specificationVersion(String javaVersion) {
        String[] parts = javaVersion.split("[._+-]");
        if (parts.length == 0 || !parts[0].matches("[0-9]+")) return null;
        if (parts[0].equals("1") && parts.length > 1 && parts[1].matches("[0-9]+")) return "1." + parts[1];
        return parts[0];
    }

    /** False once the process has ended: gone, or a zombie (it exited, its parent has not reaped it yet). */
    boolean isAlive() {
        try {
            String status = Files.readString(proc.resolve("status"), StandardCharsets.UTF_8);
            return !status.contains("\nState:\tZ") && !status.contains("\nState:\tX");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * True if the process ends within {@code millis}. Its attach connection closes as it ends, a moment before the
     * kernel shows it ended: asked right after the connection closed without a reply.
     */
    boolean endsWithin(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (isAlive()) {
            if (System.nanoTime() - end > 0) return false;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>();
        for (String entry : nulSeparated("environ")) {
            int equals = entry.indexOf('=');
            if (equals > 0) environment.put(entry.substring(0, equals), entry.substring(equals + 1));
        }
        return environment;
    }

    private List<String> nulSeparated(String file) {
        List<String> items = new ArrayList<>();
        try {
            String text = Files.readString(proc.resolve(file), StandardCharsets.ISO_8859_1);
            for (String item : text.split("\0")) {
                if (!item.isEmpty()) items.add(item);
            }
        } catch (IOException e) {
            // unreadable: the flags are then unknown, and the attach itself tells
        }
        return items;
    }
}
