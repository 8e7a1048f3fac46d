package dev.crashcap.testapp;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Threads that stand still in known stack shapes, for the oracle tests (liboracleshapes.so, from
 * agent-native/testlib/oracle_shapes.c, next to libcrashcaptest.so):
 * {@code OracleShapes shapes} starts them, prints {@value #READY} once every one is in place, then reads commands
 * on stdin: {@code load <path>} (System.load a library, prints {@code loaded}), {@code ping} (prints {@code pong}).
 * {@code OracleShapes gp} dies of a general-protection fault on the thread {@value #GP_THREAD}.
 * {@code OracleShapes nested-crash} dies in JNI C of the nested shape (Java, JNI A, Java B, JNI C) on the thread
 * {@value #NESTED_CRASH_THREAD}. {@code OracleShapes hot-crash} runs {@link #hot} until the JIT compiled it, then
 * dies in a native method it calls through {@link #inner} (inlined into it by C2), on the thread
 * {@value #HOT_CRASH_THREAD}.
 */
public final class OracleShapes {
    public static final String READY = "shapes ready";
    public static final String GP_THREAD = "oracle-gp";
    public static final String NESTED_CRASH_THREAD = "oracle-nested-crash";
    public static final String HOT_CRASH_THREAD = "oracle-hot-crash";
    /** The round of {@link #hot} that crashes: long after C2 compiled it (-XX:-BackgroundCompilation). */
    public static final int FATAL_ROUND = 200_000;
    /** Threads asleep in native code, {@code oracle_descend} this many frames deep. */
    public static final List<Integer> DEPTHS = List.of(1, 4, 12);
    public static final String NESTED = "oracle-nested";
    public static final List<String> JAVA_THREADS = List.of("oracle-parked", "oracle-waiting", "oracle-sleeping",
            "oracle-blocked", NESTED, "oracle-read", "oracle-depth-1", "oracle-depth-4", "oracle-depth-12");
    public static final List<String> NATIVE_THREADS = List.of("oracle-pthread", "oracle-condwait");
    private static final Object MONITOR = new Object();
    private static final Object WAITED = new Object();

    static native void sleepAtDepth(int depth);

    static native void nestedA(String method);

    static native void nestedC();

    static native void readForever();

    static native void startNativeThreads();

    static native int generalProtection();

    static native int arrived();

    static native void nestedCrashC();

    static native void crashOnRound(int round, int fatal);

    /** Java B of the crashing nested shape. */
    static void nestedCrashB() {
        nestedCrashC();
    }

    /** The hot method: compiled once hot, with {@link #inner} inlined into it. */
    static void hot(int round) {
        inner(round);
    }

    static void inner(int round) {
        crashOnRound(round, FATAL_ROUND);
    }

    /** Java B of the nested shape: called from JNI A, calls JNI C. */
    static void nestedB() {
        nestedC();
    }

    public static void main(String[] args) throws Exception {
        System.load(library().toString());
        if (args.length == 1 && args[0].equals("gp")) {
            Thread gp = new Thread(OracleShapes::generalProtection, GP_THREAD);
            gp.start();
            gp.join();
            System.err.println("OracleShapes: still alive after the fault");
            System.exit(3);
        }
        if (args.length == 1 && args[0].equals("nested-crash")) {
            // Not in the resolver's first moments, when it still creates the method ids of classes loaded before
            // arming (a crash then may leave Thread.run unnamed): this shape is about the walk, not that race.
            Thread.sleep(1000);
            Thread nested = new Thread(() -> nestedA("nestedCrashB"), NESTED_CRASH_THREAD);
            nested.start();
            nested.join();
            System.err.println("OracleShapes: still alive after the fault");
            System.exit(3);
        }
        if (args.length == 1 && args[0].equals("hot-crash")) {
            Thread hot = new Thread(() -> {
                for (int round = 0; round <= FATAL_ROUND; round++) {
                    hot(round);
                }
            }, HOT_CRASH_THREAD);
            hot.start();
            hot.join();
            System.err.println("OracleShapes: still alive after the fault");
            System.exit(3);
        }
        synchronized (MONITOR) {
            List<Thread> threads = new ArrayList<>();
            threads.add(daemon("oracle-parked", LockSupport::park));
            threads.add(daemon("oracle-waiting", () -> {
                synchronized (WAITED) {
                    try {
                        WAITED.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }));
            threads.add(daemon("oracle-sleeping", () -> {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            threads.add(daemon("oracle-blocked", () -> {
                synchronized (MONITOR) {
                    MONITOR.notify();
                }
            }));
            daemon(NESTED, () -> nestedA("nestedB"));
            daemon("oracle-read", OracleShapes::readForever);
            for (int depth : DEPTHS) {
                daemon("oracle-depth-" + depth, () -> sleepAtDepth(depth));
            }
            startNativeThreads();
            // in place: the native ones arrived (nested C, read, three depths, two pthreads), the Java ones wait
            int natives = 1 + 1 + DEPTHS.size() + NATIVE_THREADS.size();
            while (arrived() < natives || threads.get(0).getState() != Thread.State.WAITING
                    || threads.get(1).getState() != Thread.State.WAITING
                    || threads.get(2).getState() != Thread.State.TIMED_WAITING
                    || threads.get(3).getState() != Thread.State.BLOCKED) {
                Thread.sleep(10);
            }
            System.out.println(READY);
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("load ")) {
                    System.load(line.substring("load ".length()));
                    System.out.println("loaded");
                } else if (line.equals("ping")) {
                    System.out.println("pong");
                }
                System.out.flush();
            }
        }
    }

    /** liboracleshapes.so, built next to libcrashcaptest.so ({@code -Dcrashcap.testlib}). */
    public static Path library() {
        return Path.of(System.getProperty("crashcap.testlib")).resolveSibling("liboracleshapes.so");
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
