package dev.crashcap.testapp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JVM that relies on everything HotSpot does with signals, and must behave exactly the same with
 * the agent armed: implicit null checks (SIGSEGV) in interpreted and compiled code, implicit division
 * by zero (SIGFPE), StackOverflowError (stack banging and guard pages), safepoints and GCs across
 * threads, deoptimisation, and a JNI call that returns. Prints one line per check and exits with
 * {@value #EXIT_CODE}, so the test can see the exit code is unchanged.
 */
public final class HealthyApp {
    public static final int EXIT_CODE = 42;

    private static int depth;

    public static void main(String[] args) throws Exception {
        String lib = System.getProperty("crashcap.testlib");
        if (lib != null) {
            System.load(lib);
            System.out.println("jni add=" + Crasher.add(40, 2));
        }
        System.out.println("null checks=" + nullChecks(200_000));
        System.out.println("divisions by zero=" + divisionsByZero(200_000));
        System.out.println("stack overflow depth>1000=" + (stackOverflowDepth() > 1000));
        System.out.println("threads checksum=" + busyThreads(8, 300));
        System.exit(EXIT_CODE);
    }

    /** Many NullPointerExceptions, enough for the JIT to compile the loop with implicit null checks. */
    static int nullChecks(int count) {
        int caught = 0;
        String[] values = { "x", null };
        for (int i = 0; i < count; i++) {
            try {
                caught += values[i & 1].length() - 1;
            } catch (NullPointerException e) {
                caught++;
            }
        }
        return caught;
    }

    static int divisionsByZero(int count) {
        int caught = 0;
        int[] divisors = { 1, 0 };
        for (int i = 0; i < count; i++) {
            try {
                caught += 1 / divisors[i & 1] - 1;
            } catch (ArithmeticException e) {
                caught++;
            }
        }
        return caught;
    }

    static int stackOverflowDepth() {
        int deepest = 0;
        for (int round = 0; round < 3; round++) {
            depth = 0;
            try {
                recurse();
            } catch (StackOverflowError e) {
                deepest = Math.max(deepest, depth);
            }
        }
        return deepest;
    }

    private static void recurse() {
        depth++;
        recurse();
    }

    /** Threads that allocate (GCs), synchronise and call System.gc (safepoints) for a while. */
    static long busyThreads(int threads, int rounds) throws InterruptedException {
        AtomicLong checksum = new AtomicLong();
        Object lock = new Object();
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                for (int r = 0; r < rounds; r++) {
                    List<byte[]> garbage = new ArrayList<>();
                    for (int k = 0; k < 200; k++) garbage.add(new byte[1024]);
                    synchronized (lock) {
                        checksum.addAndGet(garbage.size());
                    }
                    if (r % 100 == 0) System.gc();
                }
            }, "busy-" + t);
            thread.start();
            started.add(thread);
        }
        for (Thread thread : started) thread.join();
        return checksum.get();
    }
}
