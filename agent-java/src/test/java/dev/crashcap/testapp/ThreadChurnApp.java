package dev.crashcap.testapp;

/**
 * A JVM that starts and ends threads without pause, as a busy server does, for dumps taken while threads end. Prints
 * {@code ready <pid>} once the churn runs.
 */
public final class ThreadChurnApp {
    public static void main(String[] args) throws InterruptedException {
        Thread[] batch = new Thread[8];
        for (long round = 0; ; round++) {
            for (int i = 0; i < batch.length; i++) {
                batch[i] = new Thread(() -> { }, "short-lived-" + i);
                batch[i].start();
            }
            for (Thread thread : batch) thread.join();
            if (round == 100) System.out.println("ready " + ProcessHandle.current().pid());
        }
    }
}
