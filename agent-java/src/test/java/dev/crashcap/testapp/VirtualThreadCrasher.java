package dev.crashcap.testapp;

import java.lang.reflect.Method;
import java.util.concurrent.CountDownLatch;

/**
 * A virtual thread named {@value #NAME} that crashes in JNI ({@link Crasher#crash}, a write through a null pointer,
 * in libcrashcaptest.so) while mounted on a carrier thread of the default scheduler ({@code ForkJoinPool-1-worker-…}).
 * Before it, a second virtual thread, {@value #SLEEPER_NAME} (a name outside Latin-1: Java keeps it as UTF-16), sleeps
 * in a JNI call ({@link Crasher#sleepInNative}), which keeps it mounted on another carrier. JDK 21+ (virtual
 * threads), with {@code -Djdk.virtualThreadScheduler.parallelism=2} or more; the builder is reached by reflection,
 * as the test classes are compiled for JDK 17. With {@code -Dcrashcap.testlib=/path/to/libcrashcaptest.so}.
 * {@code VirtualThreadCrasher idle} starts only the sleeper (before JDK 21 a platform thread of that name), prints
 * {@value #READY} and lives until its stdin ends: a target for {@code crashcap dump}.
 */
public final class VirtualThreadCrasher {
    public static final String NAME = "vt-crasher-1";
    public static final String SLEEPER_NAME = "vt-sleeper-\u00fc-\u03a9";
    public static final String READY = "sleeper sleeping";

    private static final CountDownLatch SLEEPING = new CountDownLatch(1);

    static Thread startVirtual(String name, Runnable task) throws Exception {
        Class<?> builderType = Class.forName("java.lang.Thread$Builder");
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        builder = builderType.getMethod("name", String.class).invoke(builder, name);
        Method start = builderType.getMethod("start", Runnable.class);
        return (Thread) start.invoke(builder, task);
    }

    public static void main(String[] args) throws Exception {
        System.load(System.getProperty("crashcap.testlib"));
        Runnable sleeper = () -> {
            SLEEPING.countDown();
            Crasher.sleepInNative(600_000); // pins this virtual thread to its carrier
        };
        boolean idle = args.length == 1 && args[0].equals("idle");
        if (idle && Runtime.version().feature() < 21) {
            Thread platform = new Thread(sleeper, SLEEPER_NAME);
            platform.setDaemon(true);
            platform.start();
        } else {
            startVirtual(SLEEPER_NAME, sleeper);
        }
        SLEEPING.await();
        if (idle) {
            System.out.println(READY);
            System.out.flush();
            while (System.in.read() >= 0) {
                // lives until stdin ends
            }
            System.exit(0);
        }
        Thread crasher = startVirtual(NAME, () -> Crasher.crash(1));
        crasher.join();
        System.err.println("VirtualThreadCrasher: still alive");
        System.exit(3);
    }
}
