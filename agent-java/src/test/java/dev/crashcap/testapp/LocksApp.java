package dev.crashcap.testapp;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Two real deadlocks in one idle JVM, for the lock listing of {@code crashcap dump}: {@value #MONITOR_A} holds
 * {@link MonitorA} and is BLOCKED entering {@link MonitorB}, which {@value #MONITOR_B} holds while it waits for
 * {@link MonitorA}; {@value #JUC_A} holds {@link #LOCK_A} (a ReentrantLock) and is parked in {@code lock()} of
 * {@link #LOCK_B}, which {@value #JUC_B} holds while it waits for {@link #LOCK_A}. Prints {@code ready <pid>} once all
 * four are stuck, answers each line {@code ping} with {@code pong}, and ends when standard input ends.
 */
public final class LocksApp {
    public static final String MONITOR_A = "monitor-a";
    public static final String MONITOR_B = "monitor-b";
    public static final String JUC_A = "juc-a";
    public static final String JUC_B = "juc-b";
    public static final MonitorA MONITOR_OF_A = new MonitorA();
    public static final MonitorB MONITOR_OF_B = new MonitorB();
    public static final ReentrantLock LOCK_A = new ReentrantLock();
    public static final ReentrantLock LOCK_B = new ReentrantLock();

    private static final CountDownLatch FIRST_HELD = new CountDownLatch(4);

    private LocksApp() {}

    public static void main(String[] args) throws Exception {
        start(MONITOR_A, () -> monitors(MONITOR_OF_A, MONITOR_OF_B));
        start(MONITOR_B, () -> monitors(MONITOR_OF_B, MONITOR_OF_A));
        start(JUC_A, () -> locks(LOCK_A, LOCK_B));
        start(JUC_B, () -> locks(LOCK_B, LOCK_A));
        FIRST_HELD.await();
        while (!stuck()) Thread.sleep(5);
        System.out.println("ready " + ProcessHandle.current().pid());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.equals("ping")) {
                System.out.println("pong");
                System.out.flush();
            }
        }
        System.exit(0);
    }

    private static void start(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void monitors(Object first, Object second) {
        synchronized (first) {
            FIRST_HELD.countDown();
            awaitQuietly();
            synchronized (second) {
                throw new IllegalStateException("no deadlock");
            }
        }
    }

    private static void locks(ReentrantLock first, ReentrantLock second) {
        first.lock();
        FIRST_HELD.countDown();
        awaitQuietly();
        second.lock();
        throw new IllegalStateException("no deadlock");
    }

    private static void awaitQuietly() {
        try {
            FIRST_HELD.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Each of the four waits for the other of its pair. */
    private static boolean stuck() {
        int waiting = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String name = thread.getName();
            if ((name.equals(MONITOR_A) || name.equals(MONITOR_B)) && thread.getState() == Thread.State.BLOCKED) waiting++;
            if ((name.equals(JUC_A) || name.equals(JUC_B)) && thread.getState() == Thread.State.WAITING) waiting++;
        }
        return waiting == 4 && LOCK_A.hasQueuedThreads() && LOCK_B.hasQueuedThreads();
    }

    /** The monitors, as classes of their own so that a test can tell them apart by name. */
    public static final class MonitorA {}

    public static final class MonitorB {}
}
