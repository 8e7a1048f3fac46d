package dev.crashcap.bundle;

import dev.crashcap.collector.BundleFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the hs_err file HotSpot wrote for a crash. The JVM writes it after our handler returns, so the capture
 * cannot name it; it is looked up afterwards where HotSpot puts it:
 * <ol>
 *   <li>{@code hs_err.log} in the bundle directory (a copy attached to the bundle wins);</li>
 *   <li>the {@code -XX:ErrorFile=} value ({@code %p} is the pid, relative to the process's cwd), from
 *       {@code _JAVA_OPTIONS}, the command line, {@code JDK_JAVA_OPTIONS} and {@code JAVA_TOOL_OPTIONS},
 *       in the order HotSpot lets them override each other;</li>
 *   <li>{@code <cwd>/hs_err_pid<pid>.log};</li>
 *   <li>{@code <tmp>/hs_err_pid<pid>.log}: the {@code -Djava.io.tmpdir} of the process, then {@code /tmp}.</li>
 * </ol>
 * A candidate counts only if it is the crashed process's own: a regular file (not a symbolic link) owned by the
 * process's user (the owner of its capture), written no earlier than 5 s before the crash (an older file with the
 * same name belongs to an earlier process that had the same pid) nor before the process started, and whose header
 * names the process's pid ({@code pid=<pid>,} as HotSpot writes it). The capture names the path, and a capture
 * can be crafted: without these checks {@code -XX:ErrorFile=/root/secret} would make root's crashcap copy that
 * file into a bundle and ship it.
 */
public final class HsErrLocator {
    /** The name of an hs_err copy inside a bundle directory. */
    public static final String BUNDLED_FILE = "hs_err.log";

    private static final long CLOCK_SLACK_MILLIS = 5_000;
    private static final int HEADER_BYTES = 4096;
    private static final String ERROR_FILE = "-XX:ErrorFile=";
    private static final String TMPDIR = "-Djava.io.tmpdir=";

    private HsErrLocator() {
    }

    /** The absolute path of the crash's hs_err file, or null if none was found. */
    public static String find(Bundle bundle) {
        return find(bundle, Path.of("/tmp"));
    }

    /** As {@link #find(Bundle)}, with {@code systemTmp} standing in for {@code /tmp} (tests). */
    public static String find(Bundle bundle, Path systemTmp) {
        int owner = processOwner(bundle);
        if (bundle.directory() != null && BundleFiles.ownedBy(bundle.directory().resolve(BUNDLED_FILE), owner)) {
            return bundle.directory().resolve(BUNDLED_FILE).toAbsolutePath().toString();
        }
        Long notBefore = notBefore(bundle);
        for (String candidate : candidates(bundle, systemTmp)) {
            Path path = resolve(bundle.header().cwd(), candidate);
            if (path != null && isGenuine(path, owner, notBefore, bundle.pid())) {
                return path.toAbsolutePath().normalize().toString();
            }
        }
        return null;
    }

    /** Candidate paths in the order HotSpot would use them; relative ones are resolved later. */
    static List<String> candidates(Bundle bundle, Path systemTmp) {
        Long pid = bundle.pid();
        List<String> options = jvmOptions(bundle);
        List<String> candidates = new ArrayList<>();
        String errorFile = lastValue(options, ERROR_FILE);
        if (errorFile != null && !errorFile.isEmpty() && (pid != null || !errorFile.contains("%p"))) {
            candidates.add(expandPid(errorFile, pid));
        }
        if (pid == null) {
            return candidates;
        }
        String defaultName = "hs_err_pid" + pid + ".log";
        if (bundle.header().cwd() != null) {
            candidates.add(defaultName);
        }
        String tmpdir = lastValue(options, TMPDIR);
        if (tmpdir != null && !tmpdir.isEmpty()) {
            candidates.add(tmpdir + "/" + defaultName);
        }
        candidates.add(systemTmp.resolve(defaultName).toString());
        return candidates;
    }

    /**
     * The JVM's options, lowest precedence first, so the last match wins: JAVA_TOOL_OPTIONS, then
     * JDK_JAVA_OPTIONS, then the command line, then _JAVA_OPTIONS.
     */
    private static List<String> jvmOptions(Bundle bundle) {
        List<String> options = new ArrayList<>();
        options.addAll(splitOptions(bundle.header().env().get("JAVA_TOOL_OPTIONS")));
        options.addAll(splitOptions(bundle.header().env().get("JDK_JAVA_OPTIONS")));
        options.addAll(bundle.header().args());
        options.addAll(splitOptions(bundle.header().env().get("_JAVA_OPTIONS")));
        return options;
    }

    // The JVM splits these variables on white space; quoting is rare in practice and not worth a parser here.
    private static List<String> splitOptions(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return List.of(value.trim().split("\\s+"));
    }

    private static String lastValue(List<String> options, String prefix) {
        String value = null;
        for (String option : options) {
            if (option.startsWith(prefix)) {
                value = option.substring(prefix.length());
            }
        }
        return value;
    }

    /** HotSpot's ErrorFile expands {@code %p} to the pid and {@code %%} to {@code %}. */
    static String expandPid(String pattern, Long pid) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            char next = i + 1 < pattern.length() ? pattern.charAt(i + 1) : 0;
            if (c == '%' && next == 'p') {
                out.append(pid);
                i++;
            } else if (c == '%' && next == '%') {
                out.append('%');
                i++;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The candidate as a path, relative ones against the crashed process's cwd; null if it cannot be one. */
    private static Path resolve(String cwd, String candidate) {
        try {
            Path path = Path.of(candidate);
            if (path.isAbsolute()) {
                return path;
            }
            return cwd == null ? null : Path.of(cwd).resolve(path);
        } catch (InvalidPathException e) {
            return null; // a damaged capture can hold any bytes
        }
    }

    /**
     * The uid of the crashed process's user: the owner of the capture it wrote (its bundle folder's, which
     * BundleLocator checked), or the current user's for a bundle read without a folder.
     */
    private static int processOwner(Bundle bundle) {
        if (bundle.directory() == null) {
            return BundleFiles.currentUid();
        }
        Path capture = bundle.directory().resolve(BundleLocator.CAPTURE_FILE);
        return BundleFiles.uidOf(BundleFiles.isPlainFile(capture) ? capture : bundle.directory());
    }

    /** The earliest modification time a genuine hs_err can have, or null to accept any. */
    private static Long notBefore(Bundle bundle) {
        Long crash = bundle.crash().timeEpochMillis();
        Long start = bundle.header().startEpochMillis(); // also when cut off before the crash time
        Long time = crash == null ? start : start == null ? crash : Long.valueOf(Math.max(crash, start));
        return time == null ? null : time - CLOCK_SLACK_MILLIS;
    }

    private static boolean isGenuine(Path path, int owner, Long notBefore, Long pid) {
        try {
            if (pid == null || !BundleFiles.ownedBy(path, owner)) {
                return false;
            }
            long modified = Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).toMillis();
            return (notBefore == null || modified >= notBefore) && namesPid(path, pid);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** HotSpot's header line: {@code #  SIGSEGV (0xb) at pc=0x…, pid=4242, tid=4243}, within its first lines. */
    static boolean namesPid(Path path, long pid) throws IOException {
        byte[] head;
        try (InputStream in = BundleFiles.open(path)) {
            head = in.readNBytes(HEADER_BYTES);
        }
        return new String(head, StandardCharsets.ISO_8859_1).contains(", pid=" + pid + ",");
    }
}
