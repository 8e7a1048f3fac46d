package dev.crashcap.testapp;

/**
 * A virtual thread named {@value #NAME} that crashes in JNI ({@link Crasher#crash}, a write through a null pointer,
 * in libcrashcaptest.so) while mounted on a carrier thread of the default scheduler ({@code ForkJoinPool-1-worker-…}).
 * JDK 21+ (virtual threads); the builder is reached by reflection, as the test classes are compiled for JDK 17.
 * With {@code -Dcrashcap.testlib=/path/to/libcrashcaptest.so}.
 */
public final class VirtualThreadCrasher {
    public static final String NAME = "vt-crasher-1";

    public static void main(String[] args) throws Exception {
        System.load(System.getProperty("crashcap.testlib"));
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        builder = Class.forName("java.lang.Thread$Builder").getMethod("name", String.class).invoke(builder, NAME);
        Runnable crash = () -> Crasher.crash(1);
        Thread virtual = (Thread) Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class)
                .invoke(builder, crash);
        virtual.join();
        System.err.println("VirtualThreadCrasher: still alive");
        System.exit(3);
    }
}
