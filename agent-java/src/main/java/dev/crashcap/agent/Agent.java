package dev.crashcap.agent;

import java.lang.instrument.Instrumentation;
import java.nio.file.Path;

/**
 * Entry point of {@code -javaagent:crashcap.jar[=options]} (premain) and of a dynamic attach
 * (agentmain). Arms the process for crash capture and does as little else as it can: it runs before
 * the application's main.
 */
public final class Agent {
    private Agent() {}

    public static void premain(String options, Instrumentation instrumentation) {
        armQuietly(options);
    }

    public static void agentmain(String options, Instrumentation instrumentation) {
        armQuietly(options);
    }

    /** An agent must never stop the application from starting: every failure is one line on stderr. */
    private static void armQuietly(String options) {
        try {
            arm(AgentOptions.parse(options, System.getProperties(), System.getenv()));
        } catch (AgentException e) {
            System.err.println("crashcap: not armed: " + e.getMessage());
        } catch (Throwable e) {
            System.err.println("crashcap: not armed: " + e);
        }
    }

    static synchronized void arm(AgentOptions options) throws AgentException {
        Path folder = PrivateFolder.prepare(options.bundleFolder());
        NativeLibrary.load(folder);
        if (NativeAgent.isArmed()) {
            return;
        }
        long started = NativeAgent.processStartEpochMillis();
        byte[] header = CaptureHeader.render(options, folder, started);
        String failure = NativeAgent.arm(folder.toString(), header, started, Thread.currentThread().getName());
        if (failure != null) {
            throw new AgentException(failure);
        }
        for (String warning : options.warnings()) {
            System.err.println("crashcap: " + warning);
        }
    }
}
