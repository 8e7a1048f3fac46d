package dev.crashcap.testapp;

/**
 * A JVM that dies inside its garbage collector because a JNI library overran a critical array
 * (agent-native/testlib/critical_overrun.c): the native function writes {@value #OVERRUN_BYTES} bytes past the end
 * of a small byte array that sits among thousands of others, over their headers; then the main thread asks for
 * full GCs until one walks the broken objects and the JVM dies in libjvm (hs_err, exit 134). A second Java thread,
 * {@value #WAITER_NAME}, waits in {@link #waitHere} meanwhile, so that the bundle has Java frames on more than one
 * thread. An argument sets how many bytes are overrun (a few stay inside -Xcheck:jni's guard bytes, so that the check,
 * not malloc, is what notices). With {@code -Dcrashcap.testlib=/path/to/libcrashcaptest.so}.
 */
public final class GcCrashAfterCriticalOverrun {
    public static final String WAITER_NAME = "gc-crash-waiter";
    public static final int OVERRUN_BYTES = 4096;
    private static final int NEIGHBOURS = 200_000;

    static native void overrunCriticalArray(byte[] victim, int overrunBytes);

    private static final Object LOCK = new Object();

    static void waitHere() {
        synchronized (LOCK) {
            try {
                LOCK.wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void collectUntilDead() {
        for (int i = 0; i < 1000; i++) {
            System.gc();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        System.load(System.getProperty("crashcap.testlib"));
        Thread waiter = new Thread(GcCrashAfterCriticalOverrun::waitHere, WAITER_NAME);
        waiter.setDaemon(true);
        waiter.start();
        // Small arrays allocated one after another lie next to each other in the thread's allocation buffer: the
        // victim's neighbours are live objects the GC must walk.
        byte[][] neighbours = new byte[NEIGHBOURS][];
        for (int i = 0; i < NEIGHBOURS; i++) {
            neighbours[i] = new byte[24];
        }
        overrunCriticalArray(neighbours[NEIGHBOURS / 2], args.length > 0 ? Integer.parseInt(args[0]) : OVERRUN_BYTES);
        collectUntilDead();
        System.err.println("GcCrashAfterCriticalOverrun: still alive after " + neighbours.length + " arrays");
        System.exit(3);
    }
}
