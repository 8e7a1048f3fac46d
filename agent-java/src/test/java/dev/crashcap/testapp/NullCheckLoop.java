package dev.crashcap.testapp;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Threads that take implicit null checks in compiled code without pause, each a SIGSEGV that HotSpot handles itself
 * (run with {@code -XX:-OmitStackTraceInFastThrow}, so that every one is a signal), until standard input ends. Prints
 * {@code ready <pid>} once they have taken {@value #WARM} each, then, when input ends, {@code null checks ok} if
 * every NullPointerException came where it should, and exits with {@value HealthyApp#EXIT_CODE}. Meanwhile a test
 * can dump it: crashcap's handler then sees those signals while a live snapshot runs.
 */
public final class NullCheckLoop {
    static final int THREADS = 2;
    static final int WARM = 100_000;

    public static void main(String[] args) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong wrong = new AtomicLong();
        AtomicLong warm = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread thread = new Thread(() -> {
                long taken = 0;
                while (!stop.get()) {
                    // every other element is null: 5,000 NullPointerExceptions, the rest add nothing
                    if (HealthyApp.nullChecks(10_000) != 5_000) wrong.incrementAndGet();
                    taken += 5_000;
                    if (taken == WARM) warm.incrementAndGet();
                }
            }, "null-checks-" + t);
            thread.start();
            threads.add(thread);
        }
        while (warm.get() < THREADS) Thread.sleep(10);
        System.out.println("ready " + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        while (in.readLine() != null) {
            // until the test closes standard input
        }
        stop.set(true);
        for (Thread thread : threads) thread.join();
        if (wrong.get() == 0) System.out.println("null checks ok");
        System.exit(HealthyApp.EXIT_CODE);
    }
}
