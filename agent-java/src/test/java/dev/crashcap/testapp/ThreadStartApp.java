package dev.crashcap.testapp;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;

/**
 * Native threads that need their alternate signal stack the moment they start (issue 9, item 4). Usage:
 * {@code ThreadStartApp [command]}, with {@code -Dcrashcap.testlib=…/libcrashcaptest.so}; libcrashcaplate.so is
 * taken from the same folder. Without a command it prints {@value #READY} and reads commands from stdin (to be
 * attached to first). Commands:
 * <ul>
 *   <li>{@code overflow-new-thread}: a pthread {@value #EARLY_THREAD} (libcrashcaptest.so, loaded at start) that
 *       recurses without end as soon as it starts;</li>
 *   <li>{@code overflow-late-library}: loads libcrashcaplate.so now, whose pthread {@value #LATE_THREAD} does the
 *       same;</li>
 *   <li>{@code own-altstack}: a pthread {@value #OWN_ALTSTACK_THREAD} installs its own alternate signal stack,
 *       prints {@code own altstack kept: true|false} after 600 ms, then overflows;</li>
 *   <li>{@code mappings-growth N}: N pthreads end by returning, N by {@code pthread_exit}, N are cancelled, one
 *       after another; prints by how many mappings each kind grew the process ({@code growth return|exit|cancel
 *       M});</li>
 *   <li>{@code create-join N}: prints the nanoseconds N pthread_create + pthread_join took in C
 *       ({@code native-nanos N}), then N Java thread start + join ({@code java-nanos N}); for the bench;</li>
 *   <li>{@code exit}.</li>
 * </ul>
 * The crashing commands run on a Java thread {@value #STARTER} and join it.
 */
public final class ThreadStartApp {
    public static final String READY = "thread-start-app ready";
    public static final String STARTER = "cc-starter";
    public static final String EARLY_THREAD = "cc-early";
    public static final String LATE_THREAD = "cc-late";
    public static final String OWN_ALTSTACK_THREAD = "cc-own-altstack";
    public static final String LATE_LIBRARY = "libcrashcaplate.so";
    /** The stack of the overflowing pthreads, KiB. */
    public static final int STACK_KIB = 256;

    static native void overflowNewThread(int stackKiB);

    static native void ownAltstackThenOverflow(int stackKiB);

    /** In libcrashcaplate.so. */
    static native void lateOverflowNewThread(int stackKiB);

    static native long createAndJoin(int count);

    /** {@code how}: 0 return, 1 pthread_exit, 2 cancellation. */
    static native int mappingsGrowth(int how, int count);

    public static void main(String[] args) throws Exception {
        System.load(System.getProperty("crashcap.testlib"));
        if (args.length > 0) {
            run(String.join(" ", args));
            return;
        }
        System.out.println(READY);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            run(line.trim());
        }
    }

    static void run(String command) throws InterruptedException {
        String[] words = command.split(" ");
        switch (words[0]) {
            case "overflow-new-thread" -> onStarter(() -> overflowNewThread(STACK_KIB));
            case "overflow-late-library" -> onStarter(() -> {
                Path testlib = Path.of(System.getProperty("crashcap.testlib"));
                System.load(testlib.resolveSibling(LATE_LIBRARY).toString());
                lateOverflowNewThread(STACK_KIB);
            });
            case "own-altstack" -> onStarter(() -> ownAltstackThenOverflow(STACK_KIB));
            case "mappings-growth" -> {
                int count = Integer.parseInt(words[1]);
                String[] hows = { "return", "exit", "cancel" };
                for (int how = 0; how < hows.length; how++) {
                    System.out.println("growth " + hows[how] + " " + mappingsGrowth(how, count));
                }
                System.out.flush();
            }
            case "create-join" -> {
                int count = Integer.parseInt(words[1]);
                System.out.println("native-nanos " + createAndJoin(count));
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    Thread thread = new Thread(() -> { });
                    thread.start();
                    thread.join();
                }
                System.out.println("java-nanos " + (System.nanoTime() - start));
                System.out.flush();
            }
            case "exit" -> System.exit(0);
            default -> {
                System.err.println("ThreadStartApp: unknown command " + command);
                System.exit(2);
            }
        }
    }

    /** Runs the crash on the thread {@value #STARTER}; still alive afterwards is a failure (exit 3). */
    private static void onStarter(Runnable crash) throws InterruptedException {
        Thread starter = new Thread(crash, STARTER);
        starter.start();
        starter.join();
        System.err.println("ThreadStartApp: still alive after the crash");
        System.exit(3);
    }
}
