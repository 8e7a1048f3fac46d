package dev.crashcap.testapp;

/**
 * A JVM whose C++ JNI code throws an exception nothing catches (agent-native/testlib/cpp_throw.cpp):
 * std::terminate, then abort(). Usage: {@code CppThrower <message>}, with {@code -Dcrashcap.cpptestlib=} the path
 * of libcrashcapcpptest.so. It dies on a thread named {@value #THREAD_NAME}.
 */
public final class CppThrower {
    public static final String THREAD_NAME = "cpp-worker";

    static native void throwUncaught(String message);

    public static void main(String[] args) throws InterruptedException {
        System.load(System.getProperty("crashcap.cpptestlib"));
        Thread worker = new Thread(() -> throwUncaught(args.length > 0 ? args[0] : "boom"), THREAD_NAME);
        worker.start();
        worker.join();
        System.err.println("CppThrower: still alive");
        System.exit(3);
    }
}
