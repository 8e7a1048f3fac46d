package dev.crashcap.testapp;

import java.util.List;

/**
 * A JVM that dies in native code on purpose, in libcrashcaptest.so (agent-native/testlib), for the
 * integration tests and the demo. Usage: {@code Crasher <segv|bus|fpe|ill|abort|double-free|gp|bad-jobject>}, with
 * {@code -Dcrashcap.testlib=/path/to/libcrashcaptest.so}. The crash happens on a thread named
 * {@value #THREAD_NAME}.
 */
public final class Crasher {
    public static final String THREAD_NAME = "crash-worker";
    /**
     * The ways {@link #crash} dies: {@code gp} is a general-protection fault (a non-canonical address),
     * {@code bad-jobject} JNI misuse that kills the JVM inside libjvm (a local reference used after DeleteLocalRef).
     */
    public static final List<String> KINDS = List.of("segv", "bus", "fpe", "ill", "abort", "double-free", "gp",
            "bad-jobject");

    static native int crash(int how);

    /** Sleeps in nanosleep, three C calls deep: Java_…_sleepInNative, crashcaptest_sleep_outer, _inner. */
    static native void sleepInNative(int millis);

    /** Starts a pthread named {@code name} (at most 15 bytes) that sleeps in crashcaptest_native_idle, and returns. */
    /** Starts the pthread {@code cc-deaf}, which blocks every signal and sleeps. */
    static native void startDeafThread();

    static native void startNativeThread(String name);

    /** C recursion without end (crashcaptest_recurse) on the calling thread: a native stack overflow. */
    static native int recurseForever();

    /** Runs crashcaptest_recurse on a new pthread {@code cc-overflow} with a stack of that size, and joins it. */
    static native void overflowNativeThread(int stackKiB);

    static native int add(int a, int b);

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1 || !KINDS.contains(args[0])) {
            System.err.println("usage: Crasher <" + String.join("|", KINDS) + ">");
            System.exit(2);
        }
        System.load(System.getProperty("crashcap.testlib"));
        int how = KINDS.indexOf(args[0]) + 1;
        Thread worker = new Thread(() -> crash(how), THREAD_NAME);
        worker.start();
        worker.join();
        System.err.println("Crasher: still alive after '" + args[0] + "'");
        System.exit(3);
    }
}
