package dev.crashcap.testapp;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;

/**
 * Threads whose Java names the kernel cannot hold, all started before any agent, for the thread-identity tests:
 * a pool of eleven ({@code pool-1-thread-1} … {@code pool-1-thread-11}: the kernel cuts {@code -1}, {@code -10} and
 * {@code -11} to the same 15 characters), a daemon thread with a 40-character name that waits for the order to
 * crash in JNI, a daemon thread asleep in a JNI call, a thread named {@value #BEFORE_RENAME} to be renamed, a
 * thread in {@code Object.wait()} ({@value #OBJECT_WAITER}: WAITING), one asleep holding a monitor
 * ({@value #MONITOR_HOLDER}: TIMED_WAITING) and one blocked entering it ({@value #MONITOR_BLOCKED}: BLOCKED), and
 * {@code main} reading stdin. stdin: {@code rename} renames that thread to {@link #RENAMED} (100 characters) and
 * prints {@value #RENAME_DONE}; {@code crash} makes the 40-character thread die of SIGSEGV in libcrashcaptest.so;
 * {@code exit} exits 0.
 */
public final class IdentityTarget {
    public static final String READY = "identity-target ready";
    public static final String LONG_NAME = "a-worker-thread-with-a-forty-char-name-1";
    public static final String NATIVE_SLEEPER = "native-sleeper-in-a-jni-call";
    public static final int POOL_THREADS = 11;
    public static final String BEFORE_RENAME = "to-be-renamed";
    public static final String RENAMED = "renamed-after-the-attach-" + "x".repeat(75);
    public static final String RENAME_DONE = "renamed";
    public static final String OBJECT_WAITER = "object-waiter";
    public static final String MONITOR_HOLDER = "monitor-holder";
    public static final String MONITOR_BLOCKED = "monitor-blocked";
    private static final Object WAITED_ON = new Object();
    private static final Object HELD = new Object();

    public static void main(String[] args) throws Exception {
        if (LONG_NAME.length() != 40) throw new AssertionError(LONG_NAME.length());
        System.load(System.getProperty("crashcap.testlib"));
        CountDownLatch started = new CountDownLatch(POOL_THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(POOL_THREADS);
        for (int i = 0; i < POOL_THREADS; i++) {
            pool.execute(() -> {
                started.countDown();
                sleepForever();
            });
        }
        SynchronousQueue<String> orders = new SynchronousQueue<>();
        Thread main = Thread.currentThread();
        Thread crasher = new Thread(() -> {
            try {
                orders.take();
                // The test expects main WAITING in join(): crash only once it is there (it can lag behind).
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (main.getState() != Thread.State.WAITING && System.nanoTime() < deadline) Thread.sleep(1);
                Crasher.crash(1); // segv
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, LONG_NAME);
        crasher.setDaemon(true);
        crasher.start();
        Thread sleeper = new Thread(() -> Crasher.sleepInNative(Integer.MAX_VALUE), NATIVE_SLEEPER);
        sleeper.setDaemon(true);
        sleeper.start();
        Thread renamee = new Thread(IdentityTarget::sleepForever, BEFORE_RENAME);
        renamee.setDaemon(true);
        renamee.start();
        Thread waiter = daemon(OBJECT_WAITER, IdentityTarget::waitForever);
        CountDownLatch holding = new CountDownLatch(1);
        daemon(MONITOR_HOLDER, () -> {
            synchronized (HELD) {
                holding.countDown();
                sleepForever();
            }
        });
        holding.await();
        Thread blocked = daemon(MONITOR_BLOCKED, () -> {
            synchronized (HELD) {
                throw new IllegalStateException("the holder never lets go");
            }
        });
        started.await();
        while (waiter.getState() != Thread.State.WAITING || blocked.getState() != Thread.State.BLOCKED) Thread.sleep(1);
        System.out.println(READY);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.equals("crash")) {
                orders.put(line);
                crasher.join();
                System.err.println("IdentityTarget: still alive after the crash order");
                System.exit(3);
            } else if (line.equals("rename")) {
                renamee.setName(RENAMED);
                System.out.println(RENAME_DONE);
                System.out.flush();
            } else if (line.equals("exit")) {
                System.exit(0);
            }
        }
    }

    private static Thread daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void waitForever() {
        synchronized (WAITED_ON) {
            try {
                while (true) WAITED_ON.wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleepForever() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
