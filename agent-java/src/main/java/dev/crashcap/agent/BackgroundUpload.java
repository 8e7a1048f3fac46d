package dev.crashcap.agent;

import dev.crashcap.launch.NestedClasses;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Starts the armed JVM's shipping thread: a daemon (it never keeps the JVM alive) that waits a few seconds, so
 * the application's start-up has the CPU, then finishes the bundles earlier crashes left in the folder and, when
 * a target is configured, uploads them and keeps watching the folder. Started by the native arming of every way in
 * (agent-native/src/arming/java_background.c), and only when there is work: a target is set, or the folder holds
 * unfinished bundles. Nothing of the upload machinery (java.net.http, the bundle parser) is loaded before that
 * thread runs: arming only creates the thread and the settings record of strings it runs with.
 */
final class BackgroundUpload {
    static final String THREAD_NAME = "crashcap-upload";

    /** The wait before the first pass; {@value #DELAY_PROPERTY} changes it (the tests set 0, not to wait). */
    static final long START_DELAY_MILLIS = 3_000;
    static final String DELAY_PROPERTY = "crashcap.uploadDelayMillis";

    private BackgroundUpload() {}

    /**
     * Called from native code with the options as the native arming resolved them (AgentOptions' rules): the target
     * ({@code url}, {@code token}, {@code sentryDsn}, null where unset), the disk cap (null when unset or not a
     * count), the crash-loop limit ({@code crash-loop-limit}: null when unset or not a count of 1 or more), {@code minidump} ({@code sentry-minidump}) and {@code verbose} (the "sent" lines are said only then).
     */
    static void start(String folder, String url, String token, String sentryDsn, String maxBundles, String maxMb,
            String crashLoopLimit, boolean minidump, boolean verbose) {
        // The delay is waited out here, in Task, not in ShippingLoop: the upload machinery is not even loaded until it
        // is over, so a JVM that lives less than that never loads it (start-up CPU: bench/StartupBench.java).
        Object[] arguments = {folder, url, token, sentryDsn, maxBundles, maxMb, crashLoopLimit, minidump, verbose};
        Thread thread = new Thread(new Task(arguments, startDelayMillis(property(DELAY_PROPERTY))), THREAD_NAME);
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /** The property's value in milliseconds; the default if it is unset or not a number, 0 if negative. */
    static long startDelayMillis(String value) {
        try {
            return value == null ? START_DELAY_MILLIS : Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return START_DELAY_MILLIS;
        }
    }

    private static String property(String name) {
        try {
            return System.getProperty(name);
        } catch (RuntimeException e) { // a security manager says no: the default
            return null;
        }
    }

    /** A named class, not a lambda: a lambda would bootstrap java.lang.invoke inside premain. */
    private static final class Task implements Runnable {
        /** The upload machinery's entry point, among crashcap.jar's nested classes (NestedClasses). */
        private static final String SHIPPING = "dev.crashcap.ship.BackgroundShipping";
        private static final Class<?>[] PARAMETERS = {String.class, String.class, String.class, String.class,
                String.class, String.class, String.class, boolean.class, boolean.class};

        private final Object[] arguments;
        private final long delayMillis;

        Task(Object[] arguments, long delayMillis) {
            this.arguments = arguments;
            this.delayMillis = delayMillis;
        }

        @Override
        public void run() {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // as ShippingLoop does when interrupted in its own wait
                return;
            }
            Method run;
            try {
                run = Class.forName(SHIPPING, true, NestedClasses.shipping()).getMethod("run", PARAMETERS);
            } catch (IOException | ReflectiveOperationException | LinkageError e) {
                System.err.println("crashcap: upload thread not started: crashcap.jar is damaged or incomplete: " + e);
                return;
            }
            try {
                run.invoke(null, arguments);
            } catch (InvocationTargetException e) {
                // BackgroundShipping says its own trouble in one line; anything else escaping it is a bug: still one line.
                System.err.println("crashcap: upload thread stopped: " + e.getCause());
            } catch (IllegalAccessException e) {
                System.err.println("crashcap: upload thread not started: " + e);
            }
        }
    }
}
