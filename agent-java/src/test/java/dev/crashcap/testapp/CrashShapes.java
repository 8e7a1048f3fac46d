package dev.crashcap.testapp;

import java.io.FileInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Crash shapes around the crash itself rather than its site: a JVM that used up its file descriptors, a HotSpot
 * fatal error that is no signal (an OutOfMemoryError with {@code -XX:+CrashOnOutOfMemoryError}), a fatal signal sent
 * from outside. Usage: {@code CrashShapes <fds-exhausted|out-of-memory|wait-for-kill>}, with
 * {@code -Dcrashcap.testlib=/path/to/libcrashcaptest.so}.
 */
public final class CrashShapes {
    /** Printed on stdout once the JVM waits for a signal from outside ({@code wait-for-kill}). */
    public static final String WAITING = "CrashShapes: waiting for a signal";
    /** Printed on stdout with the count once every descriptor is in use ({@code fds-exhausted}). */
    public static final String EXHAUSTED = "CrashShapes: descriptors exhausted after ";
    /** The thread that fills the heap ({@code out-of-memory}). */
    public static final String HEAP_FILLER = "heap-filler";

    private static final List<Object> KEEP = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        if (args.length != 1) usage();
        System.load(System.getProperty("crashcap.testlib"));
        switch (args[0]) {
            case "fds-exhausted" -> fdsExhausted();
            case "out-of-memory" -> outOfMemory();
            case "wait-for-kill" -> waitForKill();
            default -> usage();
        }
        System.err.println("CrashShapes: still alive after '" + args[0] + "'");
        System.exit(3);
    }

    private static void usage() {
        System.err.println("usage: CrashShapes <fds-exhausted|out-of-memory|wait-for-kill>");
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
}
