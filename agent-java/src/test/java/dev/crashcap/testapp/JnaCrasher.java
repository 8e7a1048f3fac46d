package dev.crashcap.testapp;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * A JVM that dies in libc through JNA, as applications do when they hand JNA a bad {@link Pointer}: on the thread
 * {@value #THREAD_NAME}, {@link #clearHere} calls libc's {@code memset} through a JNA interface mapping with the
 * address 0x10. The crash site is in libc, below JNA's own library (libjnidispatch); the culprit is the Java code that
 * made the call. Needs JNA on the class path.
 */
public final class JnaCrasher {
    public static final String THREAD_NAME = "jna-worker";

    /** libc, as JNA maps it. */
    public interface CLibrary extends Library {
        void memset(Pointer target, int value, long count);
    }

    public static void main(String[] args) throws InterruptedException {
        CLibrary c = Native.load("c", CLibrary.class);
        Thread worker = new Thread(() -> clearHere(c), THREAD_NAME);
        worker.start();
        worker.join();
        System.err.println("JnaCrasher: still alive");
        System.exit(3);
    }

    static void clearHere(CLibrary c) {
        c.memset(new Pointer(0x10), 0, 64);
    }
}
