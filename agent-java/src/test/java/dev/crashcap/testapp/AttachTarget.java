package dev.crashcap.testapp;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A long-running JVM for the attach tests, driven through its stdin: {@code crash <kind>} makes the thread
 * {@value Crasher#THREAD_NAME} die in libcrashcaptest.so as {@link Crasher} does (or overflow its stack), {@code ping} answers
 * {@code pong}, {@code exit} exits 0. That thread is started before anything else, so it existed before the
 * agent was attached: the tests show threads that predate the attach are covered.
 */
public final class AttachTarget {
    public static final String READY = "attach-target ready";
    /** {@code crash stack-overflow}: unbounded C recursion in a JNI call on that thread. */
    public static final String STACK_OVERFLOW = "stack-overflow";

    public static void main(String[] args) throws Exception {
        System.load(System.getProperty("crashcap.testlib"));
        LinkedBlockingQueue<String> orders = new LinkedBlockingQueue<>();
        Thread worker = new Thread(() -> {
            try {
                String kind = orders.take();
                if (kind.equals(STACK_OVERFLOW)) {
                    Crasher.recurseForever();
                } else {
                    Crasher.crash(Crasher.KINDS.indexOf(kind) + 1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, Crasher.THREAD_NAME);
        worker.setDaemon(true);
        worker.start();
        System.out.println(READY);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith("crash ")) {
                orders.put(line.substring("crash ".length()));
                worker.join();
                System.err.println("AttachTarget: still alive after '" + line + "'");
                System.exit(3);
            } else if (line.equals("ping")) {
                System.out.println("pong");
                System.out.flush();
            } else if (line.equals("exit")) {
                System.exit(0);
            }
        }
    }
}
