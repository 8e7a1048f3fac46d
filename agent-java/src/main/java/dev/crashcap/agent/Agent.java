package dev.crashcap.agent;

import java.lang.instrument.Instrumentation;

/**
 * Entry point of {@code -javaagent:crashcap.jar[=options]} (premain) and of a dynamic attach
 * (agentmain). Arms the process for crash capture and does as little else as it can: it runs before
 * the application's main.
 */
public final class Agent {
    private Agent() {}

    public static void premain(String options, Instrumentation instrumentation) {
        if (ToolJvm.runsHere()) return; // the crashcap CLI or a JDK tool under JAVA_TOOL_OPTIONS: not the application
        armQuietly(options, HOW_JAVAAGENT, "");
    }

    /** How the JVM was armed, as crashcap status shows it. */
    static final String HOW_JAVAAGENT = "javaagent";
    static final String HOW_ATTACH = "attach";
    /** An attach by crashcap dump: published as "attach"; its snapshot follows at once. */
    private static final String HOW_DUMP = "dump";

    /**
     * A dynamic attach: arms, as premain does. For {@code crashcap dump} the argument also holds a dump request:
     * then a JVM armed already is left as it is, one that is not is armed with the other options first (and the
     * request's folder, if it names one, as its bundle folder, above any other setting), and the snapshot is taken.
     */
    public static void agentmain(String options, Instrumentation instrumentation) {
        DumpRequest dump = DumpRequest.find(options);
        if (dump == null) {
            armQuietly(options, HOW_ATTACH, "");
            return;
        }
        Dump.Prepared prepared = Dump.prepareReply(dump.reply().isEmpty());
        if (System.getProperty(ARMED) == null && armQuietly(DumpRequest.withoutRequest(options), HOW_DUMP, dump.folder())) {
            publish(DumpRequest.armedNowProperty(dump.id()), "true");
        }
        if (System.getProperty(ARMED) != null) Dump.run(dump, prepared);
        prepared.snapshotTaken(); // or none will be: the helper threads may end
        DumpReply.write(dump);
    }

    /**
     * System properties that make the agent's state visible from outside (crashcap attach reads them with
     * the attach protocol's {@code properties} command): {@value #ARMED} is "{@code <version> <bundle folder>}"
     * once armed; {@value #NOT_ARMED} is why the last attempt failed.
     */
    public static final String ARMED = "crashcap.armed";
    public static final String NOT_ARMED = "crashcap.notArmed";

    /**
     * An agent must never stop the application from starting: every failure is one line on stderr. True if this
     * call armed the process. {@code folder}: a bundle folder above every other setting, or empty.
     */
    private static boolean armQuietly(String options, String how, String folder) {
        String failure;
        try {
            return arm(options, how, folder);
        } catch (AgentException e) {
            failure = e.getMessage();
        } catch (Throwable e) {
            failure = e.toString();
        }
        System.err.println("crashcap: not armed: " + failure);
        publish(NOT_ARMED, failure);
        return false;
    }

    /** Best effort: a security manager may forbid it, and the agent must not throw into the target. */
    private static void publish(String property, String value) {
        try {
            System.setProperty(property, value);
        } catch (RuntimeException e) {
            // the state stays invisible to crashcap attach; the agent works all the same
        }
    }

    /**
     * True if this call armed the process; false if it was armed already or arming failed (then said on stderr and
     * published as {@value #NOT_ARMED} already). Only the library is loaded here, in Java; the rest is the native
     * arming -agentpath runs too (agent-native/src/arming/agent_arming.c: options, folder, header, handlers, status,
     * the background thread when it has work, warnings, verbose): premain stays cheap (docs/agentpath.md, "Cost").
     */
    static synchronized boolean arm(String options, String how, String folder) throws AgentException {
        NativeLibrary.load(options == null ? "" : options, folder);
        if (how.equals(HOW_DUMP)) {
            // The snapshot that follows gives the existing threads their alternate stacks: one signal each, not two
            // (agent-native/src/arming/existing_altstacks.h). No effect on a JVM armed already.
            NativeAgent.deferExistingAltstacks();
            how = HOW_ATTACH;
        }
        String reply = NativeAgent.armAgent(how, options, folder, Thread.currentThread().getName());
        if (reply == null) throw new AgentException("out of memory");
        int lines = reply.indexOf('\n') + 1;
        if (lines > 0 && lines < reply.length()) System.err.print(reply.substring(lines)); // the application's System.err
        return reply.startsWith("armed\n");
    }
}
