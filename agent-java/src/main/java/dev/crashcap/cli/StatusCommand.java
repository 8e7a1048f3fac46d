package dev.crashcap.cli;

import dev.crashcap.agent.AgentOptions;
import dev.crashcap.attach.AgentStatus;
import dev.crashcap.attach.AttachException;
import dev.crashcap.attach.Attacher;
import dev.crashcap.report.BundleJson;
import dev.crashcap.report.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code crashcap status [--json] <pid>}: the configuration in force in an armed JVM. */
@Command(name = "status",
        description = {
            "Shows how a running JVM is armed: the crashcap version, since when and how (-javaagent, attach, "
                    + "-agentpath), where crash bundles go, and the options in force with where each came from "
                    + "(secrets redacted). Loads nothing into the JVM: it asks for its system properties, as jcmd "
                    + "VM.system_properties would.",
            "Run it as the JVM's user, or as root."})
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    PidParameter target;

    @Option(names = "--json", description = "Print a JSON object (README.md, \"crashcap status\") instead of text.")
    boolean json;

    @Mixin
    TimeoutOption timeout;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            AgentStatus status = Attacher.status(target.checked(), timeout.duration());
            out.print(json ? Json.write(json(status)) + "\n" : text(status));
            return ExitCode.OK.code();
        } catch (AttachException e) {
            spec.commandLine().getErr().println("crashcap: " + e.getMessage());
            return ExitCode.of(e.failure()).code();
        }
    }

    static Map<String, Object> json(AgentStatus status) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("pid", status.pid());
        json.put("armed", true);
        json.put("javaVersion", status.javaVersion());
        json.put("agentVersion", status.agentVersion());
        json.put("bundleFolder", status.bundleFolder());
        json.put("armedSince", BundleJson.time(status.armedEpochMillis()));
        json.put("armedBy", status.how());
        List<Object> options = new ArrayList<>();
        for (AgentStatus.Option option : status.options()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("name", option.name());
            item.put("value", option.value());
            item.put("source", option.source());
            options.add(item);
        }
        json.put("options", options);
        return json;
    }

    static String text(AgentStatus status) {
        StringBuilder text = new StringBuilder();
        text.append("pid ").append(status.pid()).append(" (Java ").append(BundleTable.printable(status.javaVersion()))
                .append(") is armed by crashcap ").append(BundleTable.printable(orUnknown(status.agentVersion())))
                .append('\n');
        line(text, "bundle folder", orUnknown(status.bundleFolder()));
        line(text, "armed since", status.armedEpochMillis() == null ? "unknown"
                : BundleJson.time(status.armedEpochMillis()));
        line(text, "armed by", how(status.how()));
        if (status.options().isEmpty()) {
            line(text, "options", "none set (every option has its default)");
        }
        for (AgentStatus.Option option : status.options()) {
            line(text, "option", option.name() + "=" + option.value() + "  (" + source(option) + ")");
        }
        return text.toString();
    }

    /** Values come from the target: control characters are shown as '?', as list shows bundle values. */
    private static void line(StringBuilder text, String name, String value) {
        text.append("  ").append(String.format("%-15s", name + ":")).append(BundleTable.printable(value)).append('\n');
    }

    private static String how(String how) {
        if (how == null) return "unknown (an agent that does not say)";
        return switch (how) {
            case "javaagent" -> "-javaagent at start-up";
            case "agentpath" -> "-agentpath at start-up";
            case "attach" -> "crashcap attach (or dump) while running";
            default -> how;
        };
    }

    private static String source(AgentStatus.Option option) {
        if (option.source() == null) return "source unknown";
        return switch (option.source()) {
            case "argument" -> "agent argument";
            case "property" -> "-D" + AgentOptions.propertyName(option.name());
            case "environment" -> "environment variable";
            default -> option.source();
        };
    }

    private static String orUnknown(String value) {
        return value == null ? "unknown" : value;
    }
}
