package dev.crashcap.agent;

import java.nio.file.Path;

/**
 * Starts the armed JVM's shipping thread: a daemon (it never keeps the JVM alive) that waits a few seconds, so
 * the application's start-up has the CPU, then finishes the bundles earlier crashes left in the folder and, when
 * a target is configured, uploads them and keeps watching the folder. Nothing of the upload machinery
 * (java.net.http, the bundle parser) is loaded before that thread runs: premain only creates the thread.
 */
final class BackgroundUpload {
    static final String THREAD_NAME = "crashcap-upload";

    private BackgroundUpload() {}

    static void start(Path folder, AgentOptions options) {
        Thread thread = new Thread(new Task(folder, options.value("url"), options.value("token"),
                options.value("sentry-dsn"), options.value("max-bundles"), options.value("max-mb")), THREAD_NAME);
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /** A named class, not a lambda: a lambda would bootstrap java.lang.invoke inside premain. */
    private static final class Task implements Runnable {
        private final Path folder;
        private final String[] settings;

        Task(Path folder, String... settings) {
            this.folder = folder;
            this.settings = settings;
        }

        @Override
        public void run() {
            dev.crashcap.ship.ShippingLoop.run(folder, settings[0], settings[1], settings[2], settings[3], settings[4]);
        }
    }
}
