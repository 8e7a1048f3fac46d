package dev.crashcap.agent;

import dev.crashcap.bundle.AgentVersion;
import dev.crashcap.secrets.OptionItems;
import dev.crashcap.secrets.Redaction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The header section of the capture file (docs/capture-format.md), rendered once when the agent arms
 * the process: the signal handler writes these bytes as they are, since it can neither allocate nor
 * ask the JVM anything.
 */
final class CaptureHeader {
    private CaptureHeader() {}

    static byte[] render(AgentOptions options, Path bundleFolder, long processStartEpochMillis) {
        Lines lines = new Lines();
        lines.add("section", "header");
        lines.add("agent.version", AgentVersion.get());
        lines.add("agent.options", OptionItems.redact(options.raw()));
        lines.add("agent.bundleFolder", bundleFolder.toString());
        lines.add("jvm.name", System.getProperty("java.vm.name", ""));
        lines.add("jvm.version", System.getProperty("java.vm.version", ""));
        lines.add("jvm.vendor", System.getProperty("java.vm.vendor", ""));
        addIfSet(lines, "jvm.info", System.getProperty("java.vm.info")); // "mixed mode, sharing": HotSpot's own words
        lines.add("java.version", System.getProperty("java.version", ""));
        lines.add("java.home", System.getProperty("java.home", ""));
        lines.add("os.name", System.getProperty("os.name", ""));
        lines.add("os.arch", System.getProperty("os.arch", ""));
        lines.add("os.version", System.getProperty("os.version", "")); // the kernel release, as uname -r says it
        HostFacts.OsRelease distribution = HostFacts.osRelease();
        addIfSet(lines, "os.distribution.name", distribution.name());
        addIfSet(lines, "os.distribution.version", distribution.version());
        addIfSet(lines, "host.name", HostFacts.hostName());
        addIfSet(lines, "app.release", options.value("release"));
        addIfSet(lines, "app.environment", options.value("environment"));
        addIfSet(lines, "app.inApp", options.value("in-app"));
        lines.add("process.pid", Long.toString(NativeAgent.pid()));
        lines.add("process.startEpochMillis", Long.toString(processStartEpochMillis));
        lines.add("process.cwd", System.getProperty("user.dir", ""));
        for (String arg : Redaction.arguments(CommandLine.read())) {
            lines.add("arg", arg);
        }
        for (Map.Entry<String, String> variable : new TreeMap<>(System.getenv()).entrySet()) {
            String name = variable.getKey();
            lines.add("env", name, Redaction.environmentValue(name, variable.getValue()));
        }
        return lines.bytes();
    }

    private static void addIfSet(Lines lines, String key, String value) {
        if (value != null && !value.isEmpty()) {
            lines.add(key, value);
        }
    }

    /** Records of the capture format: tab-separated, with backslash, tab and newline escaped. */
    static final class Lines {
        private final StringBuilder text = new StringBuilder(16 * 1024);

        void add(String key, String... values) {
            text.append(key);
            for (String value : values) {
                text.append('\t');
                escape(value);
            }
            text.append('\n');
        }

        private void escape(String value) {
            if (value.indexOf('\\') < 0 && value.indexOf('\t') < 0 && value.indexOf('\n') < 0) {
                text.append(value); // the usual case, without a call per character (premain runs interpreted)
                return;
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '\\' -> text.append("\\\\");
                    case '\t' -> text.append("\\t");
                    case '\n' -> text.append("\\n");
                    default -> text.append(c);
                }
            }
        }

        byte[] bytes() {
            return text.toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
