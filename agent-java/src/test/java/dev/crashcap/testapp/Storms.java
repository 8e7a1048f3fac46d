package dev.crashcap.testapp;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Crash shapes whose outcome (exit status, hs_err, which threads are marked crashed) must be the same with and
 * without crashcap, with {@code -Dcrashcap.testlib=/path/to/libcrashcaptest.so} (functions in
 * agent-native/testlib/storms.c):
 *
 * <ul>
 *   <li>{@code jni <n>}: n Java threads {@code storm-<i>} released together, each dying of SIGSEGV in
 *       crashcaptest_write_null inside the JNI call Storms.jniCrash;
 *   <li>{@code unsafe <n>}: n Java threads {@code storm-<i>} released together, each writing to address 0 with
 *       Unsafe.putAddress;
 *   <li>{@code native <n>}: n pthreads {@code cc-storm-<i>} that no JVM knows, released together, each dying of
 *       SIGSEGV in crashcaptest_write_null;
 *   <li>{@code sleeping-main}: the main thread sleeps 30 s with sleep(3) in a JNI call while a native thread
 *       ({@code cc-late-crash}) writes through a null pointer after 300 ms.
 * </ul>
 * Storm threads block every real-time signal first (see crashcaptest_block_realtime_signals), so each of them
 * reaches its crash. If the JVM is still alive afterwards, it says so on stderr and exits with status 3
 * ({@code sleeping-main}: with status 0 when main's sleep returns, which is what the bug this shape was made for
 * looks like).
 */
public final class Storms {
    public static final String JAVA_PREFIX = "storm-";
    public static final String NATIVE_PREFIX = "cc-storm-";
    public static final String LATE_CRASH_THREAD = "cc-late-crash";
    public static final List<String> KINDS = List.of("jni", "unsafe", "native", "sleeping-main");

    private static final sun.misc.Unsafe UNSAFE = theUnsafe();

    private Storms() {
    }

    static native void prepareBarrier(int threads);

    static native void blockRealtimeSignalsAndWait();

    static native void jniCrash();

    static native void startNativeStorm(int threads);

    static native int sleepWhileNativeThreadCrashes(int crashMillis, int sleepSeconds);

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || !KINDS.contains(args[0])) {
            System.err.println("usage: Storms <" + String.join("|", KINDS) + "> [threads]");
            System.exit(2);
        }
        System.load(System.getProperty("crashcap.testlib"));
        String kind = args[0];
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        switch (kind) {
            case "sleeping-main" -> {
                int left = sleepWhileNativeThreadCrashes(300, 30);
                System.err.println("Storms: main's sleep returned with " + left + " s left");
                return; // exit status 0: the process ended as if nothing had crashed
            }
            case "native" -> {
                prepareBarrier(threads);
                startNativeStorm(threads);
                Thread.sleep(60_000);
            }
            default -> javaStorm(kind, threads);
        }
        System.err.println("Storms: still alive after '" + kind + "'");
        System.exit(3);
    }

    private static void javaStorm(String kind, int threads) throws InterruptedException {
        prepareBarrier(threads);
        if (kind.equals("unsafe")) {
            // Once on memory of our own first: the first use loads, links and (JDK 24+) warns, and may make the JVM
            // ask for a safepoint, which a thread crashed in the JVM's own code never lets end: a storm thread
            // still on its way to its crash would then stop at that safepoint and never crash at all.
            long scratch = UNSAFE.allocateMemory(8);
            UNSAFE.putAddress(scratch, 42L);
        }
        Runnable body = kind.equals("jni") ? Storms::jniCrash : Storms::unsafeCrash;
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread thread = new Thread(body, JAVA_PREFIX + i);
            thread.start();
            started.add(thread);
        }
        for (Thread thread : started) {
            thread.join();
        }
    }

    static void unsafeCrash() {
        blockRealtimeSignalsAndWait();
        UNSAFE.putAddress(0L, 42L);
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
