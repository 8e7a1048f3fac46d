package dev.crashcap.testapp;

/**
 * A JVM that dies inside its garbage collector because a JNI library overran a critical array: the native method
 * writes {@value #OVERRUN_BYTES} bytes past the end of a small byte array among many others (libcrashcaptest.so,
 * {@code Java_dev_crashcap_testapp_GcCrasher_overrunCritical}), over their headers, and returns; then the main thread
 * asks for full GCs until one walks the broken objects and the JVM dies in libjvm, on a GC thread, with the JNI
 * library on no stack. With {@code -Dcrashcap.testlib=/path/to/libcrashcaptest.so}.
 */
public final class GcCrasher {
    public static final int OVERRUN_BYTES = 4096;
    private static final int NEIGHBOURS = 200_000;

    static native void overrunCritical(byte[] victim, int overrunBytes);

    public static void main(String[] args) {
        System.load(System.getProperty("crashcap.testlib"));
        // Small arrays allocated one after another lie next to each other: the victim's neighbours are live objects
        // the GC must walk.
        byte[][] neighbours = new byte[NEIGHBOURS][];
        for (int i = 0; i < NEIGHBOURS; i++) {
            neighbours[i] = new byte[24];
        }
        overrunCritical(neighbours[NEIGHBOURS / 2], OVERRUN_BYTES);
        for (int i = 0; i < 1000; i++) {
            System.gc();
        }
        System.err.println("GcCrasher: still alive after " + neighbours.length + " arrays");
        System.exit(3);
    }
}
