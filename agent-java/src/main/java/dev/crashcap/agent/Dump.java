package dev.crashcap.agent;

import dev.crashcap.collector.SafeFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A live snapshot for {@code crashcap dump}, run in the target by agentmain: every thread's native and Java frames
 * (the native agent), then the Java locks and deadlocks ({@link LocksFile}). The result goes where the CLI reads it
 * with the attach protocol: a system property keyed by the request's id. Nothing is printed in the target.
 */
final class Dump {
    /** Results are kept for the last few requests only, so that many dumps do not grow the system properties. */
    private static final int KEPT_RESULTS = 16;
    private static final Deque<String> published = new ArrayDeque<>();

    private Dump() {}

    /**
     * Loads, on a thread of its own while the snapshot runs, what comes after it: java.management for the locks
     * file, and what the CLI's {@code properties} command will run (HotSpot's attach listener serialises the
     * properties with Properties.store, whose date line initialises the JDK's time zone and calendar classes: 75 ms
     * and more the first time, measured). A JVM that had done these before loses nothing; one that had not has them
     * done off the dump's critical path. Best effort: a failure here only means the work is done later, where it
     * was before.
     */
    static void prepareReply() {
        try {
            Thread thread = new Thread(new Preparation(), "crashcap-dump-prepare");
            thread.setDaemon(true);
            thread.start();
        } catch (Throwable e) {
            // no thread: everything happens where it did before
        }
    }

    /** A named class, not a lambda: no java.lang.invoke bootstrap in the target for this. */
    private static final class Preparation implements Runnable {
        @Override
        public void run() {
            try {
                System.getProperties().store(java.io.OutputStream.nullOutputStream(), null);
            } catch (Throwable e) {
                // only a warm-up
            }
            try {
                LocksFile.prepare();
            } catch (Throwable e) {
                // without java.management (a jlink image): the locks file is left out later, as before
            }
        }
    }

    static synchronized void run(DumpRequest request) {
        try {
            Path bundle = Path.of(NativeAgent.snapshot(folder(request).toString()));
            String noLocks = locks(bundle);
            publish(request, DumpRequest.resultProperty(request.id()), bundle.toString());
            if (noLocks != null) publish(request, DumpRequest.warningProperty(request.id()), noLocks);
        } catch (Throwable e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            publish(request, DumpRequest.errorProperty(request.id()), why.lines().findFirst().orElse(why));
        }
    }

    /**
     * Writes locks.txt; returns null, or why the snapshot has no locks. The bundle still has every stack, and its
     * locks.txt says why (an {@code unavailable} line), so that no reader takes "no locks" for "no deadlock".
     */
    private static String locks(Path bundle) {
        String why;
        if (!RuntimeModules.present(RuntimeModules.MANAGEMENT)) {
            // Checked first: LocksFile cannot even be loaded without java.management (a jlink image).
            why = RuntimeModules.missing(RuntimeModules.MANAGEMENT, "listing locks and deadlocks");
        } else {
            try {
                LocksFile.write(bundle);
                return null;
            } catch (Throwable e) {
                why = "the JVM did not list its locks: " + e;
            }
        }
        why = why.lines().findFirst().orElse(why);
        try {
            SafeFiles.write(bundle.resolve(LocksFile.NAME), ("crashcap-locks\t1\nunavailable\t"
                    + why.replace("\\", "\\\\").replace("\t", "\\t") + "\nend\tcomplete\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            // the CLI still says why; inspect then reads the snapshot as one without locks.txt
        }
        return why;
    }

    /** The folder asked for (created 0700 if need be), else the one the agent was armed with. */
    private static Path folder(DumpRequest request) throws AgentException {
        if (!request.folder().isEmpty()) return PrivateFolder.prepare(Path.of(request.folder()));
        String armed = System.getProperty(Agent.ARMED, "");
        int space = armed.indexOf(' ');
        if (space < 0) throw new AgentException("the agent is not armed");
        return Path.of(armed.substring(space + 1));
    }

    private static void publish(DumpRequest request, String property, String value) {
        try {
            System.setProperty(property, value);
            published.addLast(request.id());
            while (published.size() > KEPT_RESULTS) {
                String old = published.removeFirst();
                System.clearProperty(DumpRequest.resultProperty(old));
                System.clearProperty(DumpRequest.errorProperty(old));
                System.clearProperty(DumpRequest.warningProperty(old));
                System.clearProperty(DumpRequest.armedNowProperty(old));
            }
        } catch (RuntimeException e) {
            // a security manager forbids it: the CLI says it got no answer
        }
    }
}
