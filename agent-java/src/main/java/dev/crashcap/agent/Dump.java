package dev.crashcap.agent;

import dev.crashcap.collector.SafeFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
     * How long the snapshot waits, once written, for the locks listed beside it before listing them itself; and how
     * long the helper threads wait for the snapshot before they end anyway.
     */
    private static final long LOCKS_WAIT_MILLIS = 30_000;

    /**
     * Starts, each on a daemon thread of its own, what the dump needs after the snapshot, so that it runs while the
     * snapshot (and, on a JVM not armed yet, the arming) does: the Java locks and deadlocks (loading java.management
     * and listing them cost a 1,000-thread JVM 100 to 250 ms the first time, measured, as much as the snapshot), and,
     * when the CLI will read the answer with {@code properties} (no reply file, {@link DumpReply}), what that command
     * will run (HotSpot's attach listener serialises the properties with Properties.store, whose date line
     * initialises the JDK's time zone and calendar classes: 75 ms and more the first time, measured). Two threads,
     * not one: each would otherwise wait for the other at the end. Best effort: a failure here only means the work is
     * done later, where it was before.
     *
     * <p>The locks are then those of a moment during the snapshot rather than just after it: either way the two
     * are read apart (ThreadMXBean stops the JVM at a safepoint, the snapshot does not), and a deadlock, what the
     * file is for, lasts.
     */
    static Prepared prepareReply(boolean propertiesFollow) {
        Prepared prepared = new Prepared();
        if (propertiesFollow) start(new PropertiesWarmUp(prepared), "crashcap-dump-prepare");
        if (start(prepared, "crashcap-dump-locks") == null) prepared.listed.countDown();
        return prepared;
    }

    private static Thread start(Runnable work, String name) {
        try {
            Thread thread = new Thread(work, name);
            thread.setDaemon(true);
            thread.start();
            return thread;
        } catch (Throwable e) {
            return null; // no thread: everything happens where it did before
        }
    }

    /** Named classes, not lambdas: no java.lang.invoke bootstrap in the target for these. */
    private static final class PropertiesWarmUp implements Runnable {
        private final Prepared prepared;

        PropertiesWarmUp(Prepared prepared) {
            this.prepared = prepared;
        }

        @Override
        public void run() {
            try {
                System.getProperties().store(java.io.OutputStream.nullOutputStream(), null);
            } catch (Throwable e) {
                // only a warm-up
            }
            prepared.outliveTheSnapshot();
        }
    }

    /**
     * The locks listed while the snapshot runs: the text of locks.txt, or null (then they are listed after it). Its
     * threads end only once the snapshot is taken ({@link #snapshotTaken}): a thread that ends while the snapshot
     * runs is listed by it but cannot answer, and would show as a thread without a stack.
     */
    static final class Prepared implements Runnable {
        private final CountDownLatch listed = new CountDownLatch(1);
        private final CountDownLatch taken = new CountDownLatch(1);
        private volatile String locks;

        @Override
        public void run() {
            try {
                // Checked first: LocksFile cannot even be loaded without java.management (a jlink image).
                if (RuntimeModules.present(RuntimeModules.MANAGEMENT)) locks = LocksFile.list();
            } catch (Throwable e) {
                // listed again after the snapshot, which then says why it failed
            } finally {
                listed.countDown();
            }
            outliveTheSnapshot();
        }

        private void outliveTheSnapshot() {
            try {
                taken.await(LOCKS_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                // ends now
            }
        }

        /** The snapshot is taken (or will not be): the helper threads may end. */
        void snapshotTaken() {
            taken.countDown();
        }

        /** The listing, once done (bounded: a JVM whose safepoint hangs), or null. */
        String locks() {
            try {
                listed.await(LOCKS_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return locks;
        }
    }

    static synchronized void run(DumpRequest request, Prepared prepared) {
        try {
            Path bundle;
            try {
                bundle = Path.of(NativeAgent.snapshot(folder(request).toString()));
            } finally {
                prepared.snapshotTaken();
            }
            String noLocks = locks(bundle, prepared.locks());
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
    private static String locks(Path bundle, String listed) {
        String why;
        if (listed != null) {
            try {
                LocksFile.save(bundle, listed);
                return null;
            } catch (Throwable e) {
                why = "cannot write " + LocksFile.NAME + ": " + e;
            }
        } else if (!RuntimeModules.present(RuntimeModules.MANAGEMENT)) {
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
