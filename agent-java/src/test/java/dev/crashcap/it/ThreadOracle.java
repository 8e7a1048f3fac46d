package dev.crashcap.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What HotSpot itself says of a process's Java threads, to check crashcap's threads against: {@code jstack PID}
 * (name, daemon flag, java.lang.Thread.State, and the kernel tid as {@code nid}) and an hs_err file's thread list
 * (name, daemon flag, HotSpot's own state such as {@code _thread_in_native}, and the tid as {@code id}).
 */
final class ThreadOracle {
    /** One Java thread as HotSpot lists it; {@code state} is the Java state (jstack) or HotSpot's (hs_err). */
    record Seen(long tid, String name, boolean daemon, String state) {
    }

    /**
     * Threads HotSpot hides from JVMTI and java.lang.Thread's own lists (its compiler and service threads): no
     * agent sees their java.lang.Thread, so crashcap names them as the kernel does (docs/threads.md).
     */
    static final Pattern HIDDEN = Pattern.compile(
            "Service Thread|Monitor Deflation Thread|C[12] CompilerThread\\d+|Sweeper thread|JVMCI.*");

    // "main" #1 prio=5 … nid=0x2032 …  (JDK 17)   "main" #3 [8615] prio=5 … nid=8615 …  (JDK 21+)
    private static final Pattern JSTACK_THREAD = Pattern.compile(
            "^\"(.*)\" #\\d+ (?:\\[\\d+\\] )?(daemon )?prio=.* nid=(0x[0-9a-f]+|\\d+) .*$");
    private static final Pattern JSTACK_STATE = Pattern.compile("^\\s+java\\.lang\\.Thread\\.State: (\\w+).*$");
    //   0x00007f… JavaThread "main" [_thread_in_native, id=8615, stack(…)]   (=> marks the current thread; JDK 25
    // pads the name and the daemon flag into columns)
    private static final Pattern HS_ERR_THREAD = Pattern.compile(
            "^(=>| ) ?0x[0-9a-f]+ JavaThread \"(.*)\"\\s+(daemon\\s+)?\\[(_thread_\\w+), id=(\\d+),.*$");
    private static final Pattern HS_ERR_CURRENT = Pattern.compile(
            "^Current thread \\(0x[0-9a-f]+\\):\\s+JavaThread \"(.*)\"\\s+(daemon\\s+)?\\[(_thread_\\w+), id=(\\d+),.*$");

    private ThreadOracle() {
    }

    /** jstack's Java threads by tid (only those with a java.lang.Thread: "#N" after the name). */
    static Map<Long, Seen> jstack(String output) {
        Map<Long, Seen> threads = new LinkedHashMap<>();
        List<String> lines = output.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            Matcher thread = JSTACK_THREAD.matcher(lines.get(i));
            if (!thread.matches()) {
                continue;
            }
            String nid = thread.group(3);
            long tid = nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid);
            Matcher state = i + 1 < lines.size() ? JSTACK_STATE.matcher(lines.get(i + 1)) : null;
            threads.put(tid, new Seen(tid, thread.group(1), thread.group(2) != null,
                    state != null && state.matches() ? state.group(1) : null));
        }
        return threads;
    }

    /** The "Java Threads:" list of an hs_err file, by tid. */
    static Map<Long, Seen> hsErrThreads(Path hsErr) throws java.io.IOException {
        Map<Long, Seen> threads = new LinkedHashMap<>();
        for (String line : Files.readAllLines(hsErr)) {
            Matcher thread = HS_ERR_THREAD.matcher(line);
            if (thread.matches()) {
                long tid = Long.parseLong(thread.group(5));
                threads.put(tid, new Seen(tid, thread.group(2), thread.group(3) != null, thread.group(4)));
            }
        }
        return threads;
    }

    /** hs_err's "Current thread (…): JavaThread "name" [_thread_in_native, id=…" line: the crashing thread. */
    static Seen hsErrCurrentThread(Path hsErr) throws java.io.IOException {
        for (String line : Files.readAllLines(hsErr)) {
            Matcher current = HS_ERR_CURRENT.matcher(line);
            if (current.matches()) {
                return new Seen(Long.parseLong(current.group(4)), current.group(1), current.group(2) != null,
                        current.group(3));
            }
        }
        throw new AssertionError("no 'Current thread … JavaThread' line in " + hsErr);
    }
}
