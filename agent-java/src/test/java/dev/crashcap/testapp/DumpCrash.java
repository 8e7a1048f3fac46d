package dev.crashcap.testapp;

/**
 * A JVM whose thread {@value #CRASHER} crashes in JNI code while a live dump ({@code crashcap dump}) waits for its
 * stack (CrashDuringDumpIT; how it is lined up: agent-native/testlib/dump_crash.c). Prints {@value #READY} and its pid
 * once everything waits for the dump. Usage: {@code DumpCrash}, with {@code -Dcrashcap.testlib=/path/to/libcrashcaptest.so}.
 */
public final class DumpCrash {
    public static final String CRASHER = "dump-crasher";
    /** The native thread that the dump's signal wakes, and that then tells the crasher to crash. */
    public static final String HELPER = "dump-helper";
    public static final String READY = "DumpCrash: ready ";

    private DumpCrash() {
    }

    /** Blocks the real-time signals, starts the helper and waits for it, then crashes (crashcaptest_dump_crash_site). */
    static native void crashDuringDump();

    /** True once the helper waits for the dump's signal. */
    static native boolean waiting();

    public static void main(String[] args) throws Exception {
        System.load(System.getProperty("crashcap.testlib"));
        Thread crasher = new Thread(DumpCrash::crashDuringDump, CRASHER);
        crasher.start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!waiting()) {
            if (System.nanoTime() - deadline > 0) {
                System.err.println("DumpCrash: the helper did not start waiting");
                System.exit(4);
            }
            Thread.sleep(5);
        }
        System.out.println(READY + ProcessHandle.current().pid());
        System.out.flush();
        crasher.join();
        System.err.println("DumpCrash: still alive after the crash");
        System.exit(3);
    }
}
