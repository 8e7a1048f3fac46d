package dev.crashcap.attach;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JVM options a running JVM was started with, as far as they can be read from outside: the command line
 * ({@code /proc/<pid>/cmdline}) and the option variables of its environment, in the order HotSpot applies
 * them (JAVA_TOOL_OPTIONS, then JDK_JAVA_OPTIONS, then the command line, then _JAVA_OPTIONS; the last
 * setting wins). Used to say why attach cannot work before trying it: a JVM started with
 * -XX:+DisableAttachMechanism would answer SIGQUIT with a thread dump on its stdout, and one started with
 * -Xrs does not handle SIGQUIT at all. Options from @argfiles and -XX:Flags files are not seen.
 */
final class JvmFlags {
    /** Launcher options whose value is the next argument: skipped so the value is not taken for the main class. */
    private static final Set<String> TAKES_VALUE = Set.of("-cp", "-classpath", "--class-path", "-p", "--module-path",
            "--upgrade-module-path", "--add-modules", "--add-reads", "--add-exports", "--add-opens",
            "--limit-modules", "--patch-module", "--source");

    private final List<String> options;

    private JvmFlags(List<String> options) {
        this.options = options;
    }

    static JvmFlags of(List<String> commandLine, Map<String, String> environment) {
        List<String> options = new ArrayList<>();
        options.addAll(split(environment.get("JAVA_TOOL_OPTIONS")));
        options.addAll(split(environment.get("JDK_JAVA_OPTIONS")));
        options.addAll(launcherOptions(commandLine));
        options.addAll(split(environment.get("_JAVA_OPTIONS")));
        return new JvmFlags(options);
    }

    /** The effective value of a boolean {@code -XX:±name} flag, or {@code defaultValue} if never set. */
    boolean flag(String name, boolean defaultValue) {
        boolean value = defaultValue;
        for (String option : options) {
            if (option.equals("-XX:+" + name)) value = true;
            else if (option.equals("-XX:-" + name)) value = false;
            else if (name.equals("ReduceSignalUsage") && option.equals("-Xrs")) value = true;
        }
        return value;
    }

    boolean attachDisabled() {
        return flag("DisableAttachMechanism", false);
    }

    boolean reducedSignals() {
        return flag("ReduceSignalUsage", false);
    }

    /** The arguments before the main class (or -jar/-m and its value): what follows belongs to the application. */
    private static List<String> launcherOptions(List<String> commandLine) {
        List<String> options = new ArrayList<>();
        for (int i = 1; i < commandLine.size(); i++) { // [0] is the executable
            String arg = commandLine.get(i);
            if (arg.equals("-jar") || arg.equals("-m") || arg.equals("--module") || !arg.startsWith("-")) break;
            options.add(arg);
            if (TAKES_VALUE.contains(arg)) i++;
        }
        return options;
    }

    private static List<String> split(String value) {
        if (value == null || value.isBlank()) return List.of();
        return List.of(value.trim().split("\\s+"));
    }
}
