package dev.crashcap.testapp;

import java.io.FileInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Crash shapes around the crash itself rather than its site: a JVM that used up its file descriptors, a HotSpot
 * fatal error that is no signal (an OutOfMemoryError with {@code -XX:+CrashOnOutOfMemoryError}), a fatal signal sent
 * from outside, a child forked by JNI code that crashes before exec, a crash inside a library's JNI_OnLoad. Usage:
 * {@code CrashShapes <fds-exhausted|out-of-memory|wait-for-kill|fork-crash|onload-crash|shutdown-hook-crash|atexit-crash|atexit-after-main>}, with
 * {@code -Dcrashcap.testlib=/path/to/libcrashcaptest.so}.
 */
public final class CrashShapes {
    /** Printed on stdout once the JVM waits for a signal from outside ({@code wait-for-kill}). */
    public static final String WAITING = "CrashShapes: waiting for a signal";
    /** Printed on stdout with the count once every descriptor is in use ({@code fds-exhausted}). */
    public static final String EXHAUSTED = "CrashShapes: descriptors exhausted after ";
    /** The thread that fills the heap ({@code out-of-memory}). */
    public static final String HEAP_FILLER = "heap-filler";

    /** Printed on stdout once the JVM waits for {@code fork} on stdin ({@code fork-crash}). */
    public static final String READY_TO_FORK = "CrashShapes: send 'fork'";
    /** Printed on stdout with the child's wait status ({@code fork-crash}). */
    public static final String CHILD_STATUS = "CrashShapes: child status ";
    /** Printed on stdout when the parent still runs, a while after its child crashed ({@code fork-crash}). */
    public static final String PARENT_ALIVE = "CrashShapes: parent alive";

    private static final List<Object> KEEP = new ArrayList<>();

    /** fork(); the child crashes in crashcaptest_child_crash; returns the child's raw wait status. */
    static native int forkAndCrashInChild();

    /** Registers an atexit handler that crashes (crashcaptest_at_exit). */
    static native void crashAtExit();

    /** The thread of the shutdown hook that crashes ({@code shutdown-hook-crash}). */
    public static final String SHUTDOWN_CRASHER = "shutdown-crasher";

    public static void main(String[] args) throws Exception {
        if (args.length != 1) usage();
        System.load(System.getProperty("crashcap.testlib"));
        switch (args[0]) {
            case "fds-exhausted" -> fdsExhausted();
            case "out-of-memory" -> outOfMemory();
            case "wait-for-kill" -> waitForKill();
            case "fork-crash" -> forkCrash();
            case "onload-crash" -> onloadCrash();
            case "shutdown-hook-crash" -> shutdownHookCrash();
            case "atexit-crash" -> atExitCrash();
            case "atexit-after-main" -> {
                crashAtExit(); // main ends normally: DestroyJavaVM, then the launcher's exit() runs the handler
                return;
            }
            default -> usage();
        }
        System.err.println("CrashShapes: still alive after '" + args[0] + "'");
        System.exit(3);
    }

    private static void usage() {
        System.err.println("usage: CrashShapes <fds-exhausted|out-of-memory|wait-for-kill|fork-crash|onload-crash|shutdown-hook-crash|atexit-crash|atexit-after-main>");
        System.exit(2);
    }

    /** Opens /dev/null until the process has no descriptor left, then dies by SIGSEGV in JNI code. */
    private static void fdsExhausted() throws InterruptedException {
        Thread worker = new Thread(() -> Crasher.add(1, 2), "warm-up"); // every class the crash needs, loaded now
        worker.start();
        worker.join();
        int opened = 0;
        try {
            while (true) {
                KEEP.add(new FileInputStream("/dev/null"));
                opened++;
            }
        } catch (IOException e) {
            System.out.println(EXHAUSTED + opened + ": " + e.getMessage());
            System.out.flush();
        }
        Crasher.crash(Crasher.KINDS.indexOf("segv") + 1);
    }

    /** Fills the heap until the JVM throws OutOfMemoryError (with -XX:+CrashOnOutOfMemoryError: a fatal error). */
    private static void outOfMemory() {
        Thread filler = new Thread(() -> {
            while (true) KEEP.add(new long[64 * 1024]);
        }, HEAP_FILLER);
        filler.start();
        try {
            filler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Says so on stdout, then sleeps in native code until a signal from outside ends the JVM. */
    private static void waitForKill() {
        System.out.println(WAITING);
        System.out.flush();
        Crasher.sleepInNative(60_000);
    }

    /**
     * Waits for {@code fork} on stdin (a test takes a live dump first), forks a child that crashes, prints the child's
     * wait status, and then, a while later, that the parent still runs; the parent ends normally.
     */
    private static void forkCrash() throws Exception {
        System.out.println(READY_TO_FORK);
        System.out.flush();
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null && !line.equals("fork")) {
            // wait
        }
        int status = forkAndCrashInChild();
        System.out.println(CHILD_STATUS + status);
        System.out.flush();
        Thread.sleep(2_000); // long enough for anything the child disturbed in the parent to show
        System.out.println(PARENT_ALIVE);
        System.exit(0);
    }

    /** System.load of libcrashcaponload.so (next to libcrashcaptest.so), whose JNI_OnLoad crashes. */
    private static void onloadCrash() {
        java.nio.file.Path testlib = java.nio.file.Path.of(System.getProperty("crashcap.testlib"));
        System.load(testlib.resolveSibling("libcrashcaponload.so").toString());
    }

    /** System.exit(0); the JVM's shutdown runs a hook that crashes in JNI code. */
    private static void shutdownHookCrash() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Crasher.crash(Crasher.KINDS.indexOf("segv") + 1),
                SHUTDOWN_CRASHER));
        System.exit(0);
    }

    /** System.exit(0) after a JNI library registered an atexit handler that crashes. */
    private static void atExitCrash() {
        crashAtExit();
        System.exit(0);
    }
}
