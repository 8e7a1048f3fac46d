package dev.crashcap.testapp;

/**
 * Prints, for each signal crashcap hooks and for each real-time signal with a handler, the module of its handler and
 * the signals that handler blocks (agent-native/testlib/signal_masks.c), one line each: {@code SIGSEGV <module> <hex
 * mask>}. With the argument {@code armed} it first waits for crashcap's SIGSEGV handler to be installed. With
 * {@code -Dcrashcap.testlib=/path/to/libcrashcaptest.so}.
 */
public final class SignalMasks {
    static native long handlerMask(int sig);

    static native String handlerModule(int sig);

    static native int realTimeMin();

    static native int realTimeMax();

    public static void main(String[] args) throws InterruptedException {
        System.load(System.getProperty("crashcap.testlib"));
        if (args.length > 0 && args[0].equals("armed")) {
            for (int i = 0; i < 600 && !handlerModule(11).contains("crashcap.so"); i++) Thread.sleep(50);
        }
        String[] names = { "SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL", "SIGABRT" };
        int[] numbers = { 11, 7, 8, 4, 6 };
        for (int i = 0; i < names.length; i++) print(names[i], numbers[i]);
        for (int sig = realTimeMin(); sig <= realTimeMax(); sig++) {
            if (!handlerModule(sig).isEmpty()) print("SIGRT" + sig, sig);
        }
    }

    private static void print(String name, int sig) {
        String module = handlerModule(sig);
        System.out.println(name + " " + module.substring(module.lastIndexOf('/') + 1) + " "
                + Long.toHexString(handlerMask(sig)));
    }
}
