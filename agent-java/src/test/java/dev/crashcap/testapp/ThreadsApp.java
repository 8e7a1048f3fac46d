package dev.crashcap.testapp;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * A JVM with threads in known states that then dies in a known way, for the integration tests and the benchmark:
 * {@code ThreadsApp <how> [extraThreads]} with {@code -Dcrashcap.testlib=/path/to/libcrashcaptest.so}.
 *
 * <p>Threads, each with a fixed name, each waiting in a method of its own so a test can find it in the Java frames:
 * {@value #PARKED} (LockSupport.park in parkHere, WAITING), {@value #NATIVE_SLEEPER} (nanosleep inside the JNI method
 * Crasher.sleepInNative, called from sleepInNativeHere, RUNNABLE), {@value #SPINNER} (a busy loop in spinHere,
 * RUNNABLE), {@value #BLOCKED} (blockHere, BLOCKED on a monitor main holds), {@value #TIMED_SLEEPER} (Thread.sleep
 * in sleepHere, TIMED_WAITING), {@value #NATIVE_THREAD} (a pthread the JNI library starts, asleep in
 * crashcaptest_native_idle) and {@code extraThreads} parked threads {@code extra-<n>} with 256 KiB stacks.
 *
 * <p>When every thread is in its state, {@code <how>} happens on the thread {@value #CRASH_WORKER}: one of
 * {@link Crasher#KINDS}; {@code stack-overflow-java-thread} (C recursion without end in a JNI call);
 * {@code stack-overflow-native-thread} (the same on the pthread {@value #OVERFLOW_THREAD} with a 256 KiB stack);
 * {@code jit} (Unsafe.putAddress to address 0 in a method the JIT compiled, pokeHere); {@code both-crash} (SIGSEGV on
 * {@value #CRASH_WORKER} and {@value #CRASH_WORKER_2} at the same moment); or {@code idle}: print
 * {@code ready <pid>} and wait, without crashing, until standard input ends, answering each line {@code ping} with
 * {@code pong} and each line {@code threads} with one line {@value #JAVA_THREADS} and the names of every thread in
 * the JVM's thread list (Thread.getAllStackTraces), comma-separated; or {@code idle-deadlock}: the same, with two more threads deadlocked on two monitors,
 * {@value #DEADLOCK_A} (holds {@link #LOCK_A}, BLOCKED on {@link #LOCK_B} in lockBothHere) and {@value #DEADLOCK_B}
 * (the other way round).
 */
public final class ThreadsApp {
    public static final String PARKED = "parked-worker";
    public static final String NATIVE_SLEEPER = "native-sleeper";
    public static final String SPINNER = "spinner";
    public static final String BLOCKED = "blocked-worker";
    public static final String TIMED_SLEEPER = "timed-sleeper";
    public static final String NATIVE_THREAD = "cc-native";
    public static final String OVERFLOW_THREAD = "cc-overflow";
    public static final String DEAF_THREAD = "cc-deaf";
    public static final String CRASH_WORKER = Crasher.THREAD_NAME;
    public static final String CRASH_WORKER_2 = "crash-worker-2";
    public static final String EXTRA_PREFIX = "extra-";
    public static final String DEADLOCK_A = "deadlock-a";
    public static final String DEADLOCK_B = "deadlock-b";
    public static final String JAVA_THREADS = "java threads: ";
    /** The monitors of the deadlock: classes of their own, so a test can tell them apart by class name. */
    public static final LockA LOCK_A = new LockA();
    public static final LockB LOCK_B = new LockB();
    public static final int OVERFLOW_STACK_KIB = 256;
    public static final List<String> HOWS = hows();

    private static final long READY_TIMEOUT_NANOS = 60_000_000_000L;
    private static final int EXTRA_STACK_BYTES = 256 * 1024;
    private static final int WARM_UP_CALLS = 200_000;
    private static final Object MONITOR = new Object();
    private static final CountDownLatch IN_PLACE = new CountDownLatch(2); // the spinner and the native sleeper
    private static final sun.misc.Unsafe UNSAFE = theUnsafe();
    private static volatile long spins;

    private ThreadsApp() {
    }

    private static List<String> hows() {
        List<String> hows = new ArrayList<>(Crasher.KINDS);
        hows.addAll(List.of("stack-overflow-java-thread", "stack-overflow-native-thread", "jit", "both-crash",
                "deaf-thread", "idle", "idle-deadlock"));
        return List.copyOf(hows);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2 || !HOWS.contains(args[0])) {
            System.err.println("usage: ThreadsApp <" + String.join("|", HOWS) + "> [extraThreads]");
            System.exit(2);
        }
        String how = args[0];
        int extra = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        System.load(System.getProperty("crashcap.testlib"));
        synchronized (MONITOR) { // held from here on: blocked-worker waits for it
            Map<Thread, Thread.State> expected = startThreads(extra);
            Crasher.startNativeThread(NATIVE_THREAD);
            awaitJavaStates(expected);
            IN_PLACE.await();
            awaitKernelSleeping(NATIVE_SLEEPER);
            awaitKernelSleeping(NATIVE_THREAD);
            if (how.equals("idle-deadlock")) {
                deadlock();
            }
            if (how.startsWith("idle")) {
                idle();
            }
            happen(how);
        }
        System.err.println("ThreadsApp: still alive after '" + how + "'");
        System.exit(3);
    }

    /** Starts the threads in known states; returns the Java state each must reach. */
    private static Map<Thread, Thread.State> startThreads(int extra) {
        Map<Thread, Thread.State> expected = new LinkedHashMap<>();
        expected.put(start(PARKED, ThreadsApp::parkHere), Thread.State.WAITING);
        expected.put(start(NATIVE_SLEEPER, ThreadsApp::sleepInNativeHere), Thread.State.RUNNABLE);
        expected.put(start(SPINNER, ThreadsApp::spinHere), Thread.State.RUNNABLE);
        expected.put(start(BLOCKED, ThreadsApp::blockHere), Thread.State.BLOCKED);
        expected.put(start(TIMED_SLEEPER, ThreadsApp::sleepHere), Thread.State.TIMED_WAITING);
        for (int n = 0; n < extra; n++) {
            Thread thread = new Thread(null, ThreadsApp::parkHere, EXTRA_PREFIX + n, EXTRA_STACK_BYTES);
            thread.setDaemon(true);
            thread.start();
            expected.put(thread, Thread.State.WAITING);
        }
        return expected;
    }

    private static Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    static void parkHere() {
        while (true) {
            LockSupport.park(); // may return spuriously: park again
        }
    }

    static void sleepInNativeHere() {
        IN_PLACE.countDown();
        while (true) {
            Crasher.sleepInNative(600_000);
        }
    }

    static void spinHere() {
        IN_PLACE.countDown();
        while (true) {
            spins++;
        }
    }

    static void blockHere() {
        synchronized (MONITOR) {
            spins = -1; // never reached while main holds the monitor
        }
    }

    static void sleepHere() {
        while (true) {
            try {
                Thread.sleep(600_000);
            } catch (InterruptedException e) {
                // nobody interrupts it; sleep again
            }
        }
    }

    private static void awaitJavaStates(Map<Thread, Thread.State> expected) {
        long deadline = System.nanoTime() + READY_TIMEOUT_NANOS;
        for (Map.Entry<Thread, Thread.State> entry : expected.entrySet()) {
            while (entry.getKey().getState() != entry.getValue()) {
                giveUpAfter(deadline, entry.getKey().getName() + " is " + entry.getKey().getState() + ", not "
                        + entry.getValue());
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Java calls a thread in native code RUNNABLE, so the kernel is asked: the thread must be asleep (S), and stay
     * so for a while (a thread on its way into nanosleep may block briefly elsewhere).
     */
    private static void awaitKernelSleeping(String name) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT_NANOS;
        int asleep = 0;
        while (asleep < 5) {
            asleep = "S".equals(KernelThreads.state(name)) ? asleep + 1 : 0;
            giveUpAfter(deadline, name + " is not asleep in the kernel");
            Thread.sleep(20);
        }
    }

    private static void giveUpAfter(long deadline, String why) {
        if (System.nanoTime() - deadline > 0) {
            System.err.println("ThreadsApp: " + why);
            System.exit(4);
        }
    }

    /** For the benchmark and the dump tests: the threads stay as they are until standard input ends. */
    private static void idle() throws Exception {
        System.out.println("ready " + ProcessHandle.current().pid());
        System.out.flush();
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.equals("ping")) {
                System.out.println("pong"); // the application still works
                System.out.flush();
            } else if (line.equals("threads")) {
                List<String> names = new ArrayList<>();
                for (Thread thread : Thread.getAllStackTraces().keySet()) names.add(thread.getName());
                System.out.println(JAVA_THREADS + String.join(",", names));
                System.out.flush();
            }
        }
        System.exit(0);
    }

    /** Two threads, each holding one monitor and waiting to enter the other's: a deadlock for good. */
    private static void deadlock() {
        CountDownLatch bothHold = new CountDownLatch(2);
        Thread a = start(DEADLOCK_A, () -> lockBothHere(LOCK_A, LOCK_B, bothHold));
        Thread b = start(DEADLOCK_B, () -> lockBothHere(LOCK_B, LOCK_A, bothHold));
        awaitJavaStates(Map.of(a, Thread.State.BLOCKED, b, Thread.State.BLOCKED));
    }

    static void lockBothHere(Object first, Object second, CountDownLatch bothHold) {
        synchronized (first) {
            bothHold.countDown();
            try {
                bothHold.await();
            } catch (InterruptedException e) {
                return;
            }
            synchronized (second) {
                spins = -2; // never reached: the other thread holds it and waits for ours
            }
        }
    }

    /** The first monitor of the deadlock. */
    public static final class LockA {
    }

    /** The second monitor of the deadlock. */
    public static final class LockB {
    }

    /** A pthread that blocks every signal (it cannot answer the capture), then a SIGSEGV in JNI. */
    private static void deafThreadThenSegv() throws Exception {
        Crasher.startDeafThread();
        awaitKernelSleeping(DEAF_THREAD);
        onCrashWorker(() -> crashHere(Crasher.KINDS.indexOf("segv") + 1));
    }

    private static void happen(String how) throws Exception {
        switch (how) {
            case "stack-overflow-java-thread" -> onCrashWorker(ThreadsApp::recurseHere);
            case "stack-overflow-native-thread" -> onCrashWorker(ThreadsApp::overflowNativeThreadHere);
            case "jit" -> onCrashWorker(ThreadsApp::jit);
            case "both-crash" -> bothCrash();
            case "deaf-thread" -> deafThreadThenSegv();
            default -> onCrashWorker(() -> crashHere(Crasher.KINDS.indexOf(how) + 1));
        }
    }

    private static void onCrashWorker(Runnable body) throws InterruptedException {
        Thread worker = new Thread(body, CRASH_WORKER);
        worker.start();
        worker.join();
    }

    static void crashHere(int how) {
        Crasher.crash(how);
    }

    static void recurseHere() {
        Crasher.recurseForever();
    }

    static void overflowNativeThreadHere() {
        Crasher.overflowNativeThread(OVERFLOW_STACK_KIB);
    }

    /**
     * Two threads released together (Storms' barrier), both writing through a null pointer. They block real-time
     * signals first: a thread that answered the capture's service signal before reaching its crash would be held
     * there and never crash (docs/threads.md), which would make "both crash" a matter of timing.
     */
    private static void bothCrash() throws InterruptedException {
        Storms.prepareBarrier(2);
        Runnable crash = () -> {
            Storms.blockRealtimeSignalsAndWait();
            crashHere(Crasher.KINDS.indexOf("segv") + 1);
        };
        Thread first = new Thread(crash, CRASH_WORKER);
        Thread second = new Thread(crash, CRASH_WORKER_2);
        first.start();
        second.start();
        first.join();
        second.join();
    }

    /**
     * Warms up pokeHere with a valid address until the JIT compiled it (the second round gives the background
     * compiler time to finish), then calls it with address 0: a SIGSEGV in JIT-compiled code.
     */
    static void jit() {
        long address = UNSAFE.allocateMemory(8);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < WARM_UP_CALLS; i++) {
                pokeHere(address, i);
            }
            LockSupport.parkNanos(300_000_000L);
        }
        pokeHere(0, 42);
    }

    static void pokeHere(long address, long value) {
        UNSAFE.putAddress(address, value);
    }

    private static sun.misc.Unsafe theUnsafe() {
        try {
            Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return (sun.misc.Unsafe) field.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
