package dev.crashcap.testapp;

/**
 * A JVM whose JNI library installs a SIGSEGV handler of its own once the JVM runs (after crashcap armed), one that
 * chains to the handler it replaced (agent-native/testlib/own_handler.c), then dies as {@code Crasher segv} does on the
 * thread {@value Crasher#THREAD_NAME}. With {@code -Dcrashcap.testlib=/path/to/libcrashcaptest.so}.
 */
public final class OwnHandlerCrasher {
    static native void installOwnSegvHandler();

    public static void main(String[] args) throws InterruptedException {
        System.load(System.getProperty("crashcap.testlib"));
        installOwnSegvHandler();
        // HotSpot's own SIGSEGVs (implicit null checks) go through the new handler first and must still work.
        int caught = 0;
        for (int i = 0; i < 1000; i++) {
            try {
                Object nothing = i < 0 ? new Object() : null;
                caught += nothing.hashCode();
            } catch (NullPointerException expected) {
                caught++;
            }
        }
        System.out.println("null checks caught: " + caught);
        Thread worker = new Thread(() -> Crasher.crash(1), Crasher.THREAD_NAME);
        worker.start();
        worker.join();
        System.err.println("OwnHandlerCrasher: still alive");
        System.exit(3);
    }
}
