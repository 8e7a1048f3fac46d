package dev.crashcap.agent;

import dev.crashcap.secrets.OptionItems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The agent's configuration. One precedence for every option, highest first: the agent argument
 * ({@code -javaagent:crashcap.jar=dir=/var/crash}), the system property ({@code -Dcrashcap.dir=…}),
 * the environment ({@code CRASHCAP_DIR=…}), the default. The CLI reads the same configuration for the options it
 * shares with the agent ({@code crashcap list} and {@code upload}), parsed here with no agent argument.
 */
public final class AgentOptions {
    /** Option names this version knows; anything else is reported once and ignored. */
    public static final List<String> KNOWN = OptionItems.CRASHCAP_OPTIONS;

    /** Where bundles go unless {@code dir} says otherwise, relative to the working directory. */
    public static final String DEFAULT_DIR = "crashcap";

    /**
     * Options that take, when nothing of crashcap's sets them, the variable every Sentry SDK reads for the same thing,
     * so an application already configured for Sentry reports the same release and environment.
     */
    static final Map<String, String> SENTRY_DEFAULTS = Map.of("release", "SENTRY_RELEASE",
            "environment", "SENTRY_ENVIRONMENT");

    /**
     * Options that are on or off: {@code verbose=true}, {@code -Dcrashcap.verbose=true}, {@code CRASHCAP_VERBOSE=1}, and
     * also a bare {@code -Dcrashcap.verbose}. (Not a bare {@code verbose} in the agent argument: there a comma
     * followed by a word without '=' continues the value before it, see OptionItems.)
     */
    static final List<String> FLAGS = List.of("verbose", "sentry-minidump");

    private final Map<String, String> values;
    /** Where each value came from: "argument", "property", "environment" ({@code crashcap status} shows it). */
    private final Map<String, String> sources;
    private final List<String> warnings;

    private AgentOptions(Map<String, String> values, Map<String, String> sources, List<String> warnings) {
        this.values = values;
        this.sources = sources;
        this.warnings = warnings;
    }

    public static AgentOptions parse(String agentArgument, Properties properties, Map<String, String> environment) {
        String raw = agentArgument == null ? "" : agentArgument.trim();
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (String name : KNOWN) {
            String fromSentry = SENTRY_DEFAULTS.containsKey(name) ? environment.get(SENTRY_DEFAULTS.get(name)) : null;
            if (fromSentry != null && !fromSentry.isEmpty()) put(values, sources, name, fromSentry, "environment");
            String fromProperty = properties.getProperty(propertyName(name));
            if (fromProperty != null && fromProperty.isEmpty() && FLAGS.contains(name)) fromProperty = "true";
            String fromEnvironment = environment.get(environmentName(name));
            if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
                put(values, sources, name, fromEnvironment, "environment");
            }
            if (fromProperty != null && !fromProperty.isEmpty()) put(values, sources, name, fromProperty, "property");
        }
        for (String item : OptionItems.split(raw)) { // a comma may belong to a value: see OptionItems
            int equals = item.indexOf('=');
            String name = (equals < 0 ? item : item.substring(0, equals)).trim();
            String value = equals < 0 ? "" : item.substring(equals + 1).trim();
            if (!KNOWN.contains(name)) {
                warnings.add("unknown agent option '" + name + "' ignored (known: " + String.join(", ", KNOWN) + ")");
            } else if (value.isEmpty()) {
                warnings.add("agent option '" + name + "' has no value; ignored");
            } else {
                put(values, sources, name, value, "argument");
            }
        }
        for (String name : FLAGS) {
            String value = values.get(name);
            if (value != null && flag(value) == null) {
                warnings.add("agent option '" + name + "=" + value + "' is not true or false; false is used");
            }
        }
        for (String name : COUNTS) {
            String value = values.get(name);
            if (value != null && !isCount(value)) {
                // Said at arming, in one line; the upload thread then uses the default, and never a negative cap,
                // which would read as "keep nothing" and delete every unsent bundle.
                warnings.add("agent option '" + name + "=" + value + "' is not a whole number of 0 or more; the"
                        + " default is used");
            }
        }
        for (String name : LIMITS) {
            String value = values.get(name);
            if (value != null && !isLimit(value)) {
                // As for the counts; 0 too, which would send nothing (crashcap upload refuses it: 1 or more).
                warnings.add("agent option '" + name + "=" + value + "' is not a whole number of 1 or more; the"
                        + " default is used");
            }
        }
        return new AgentOptions(values, sources, List.copyOf(warnings));
    }

    private static void put(Map<String, String> values, Map<String, String> sources, String name, String value,
            String source) {
        values.put(name, value);
        sources.put(name, source);
    }

    /** true, 1 and yes are on; false, 0 and no are off (any case); anything else is null. */
    private static Boolean flag(String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes": return Boolean.TRUE;
            case "false", "0", "no": return Boolean.FALSE;
            default: return null;
        }
    }

    /** {@code verbose}: the agent says on stderr, once, that it armed and where bundles go. Off by default. */
    boolean verbose() {
        String value = values.get("verbose");
        return value != null && Boolean.TRUE.equals(flag(value));
    }

    /** Where an option's value came from ("argument", "property", "environment"), or null if it is not set. */
    String source(String name) {
        return sources.get(name);
    }

    /**
     * These options with {@code dir} above every other setting, as if the agent argument began with
     * {@code dir=<folder>} ({@code crashcap dump --out} arming a JVM).
     */
    AgentOptions withDir(String folder) {
        Map<String, String> changed = new LinkedHashMap<>(values);
        changed.put("dir", folder);
        Map<String, String> changedSources = new LinkedHashMap<>(sources);
        changedSources.put("dir", "argument");
        return new AgentOptions(changed, changedSources, warnings);
    }

    /** The options that are counts: the disk cap. */
    static final List<String> COUNTS = List.of("max-bundles", "max-mb", "stack-memory");

    /**
     * The options that are counts of 1 or more: the crash-loop limit (bundles of one signature sent per hour), as
     * {@code crashcap upload --crash-loop-limit} takes it.
     */
    static final List<String> LIMITS = List.of("crash-loop-limit");

    private static boolean isCount(String value) {
        return value.trim().matches("[0-9]{1,9}");
    }

    private static boolean isLimit(String value) {
        return isCount(value) && Integer.parseInt(value.trim()) >= 1;
    }

    /**
     * A count option ({@code max-bundles}, {@code max-mb}) if it is a whole number of 0 or more, a limit
     * ({@code crash-loop-limit}) if it is one of 1 or more, else null.
     */
    public String count(String name) {
        String value = values.get(name);
        if (value == null || !(LIMITS.contains(name) ? isLimit(value) : isCount(value))) return null;
        return value.trim();
    }

    /** {@code sentry-minidump=true}: finishing writes minidump.dmp, and Sentry gets it as the event's minidump. */
    public boolean sentryMinidump() {
        String value = values.get("sentry-minidump");
        return value != null && Boolean.TRUE.equals(flag(value));
    }

    /** The system property that sets an option: {@code crashcap.max-mb}. */
    public static String propertyName(String name) {
        return "crashcap." + name;
    }

    /** The environment variable that sets an option: {@code CRASHCAP_MAX_MB}. */
    public static String environmentName(String name) {
        return "CRASHCAP_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** Where bundles go: {@code dir}, by default a {@code crashcap} folder in the working directory. */
    Path bundleFolder() {
        String dir = values.get("dir");
        Path cwd = Path.of(System.getProperty("user.dir"));
        return dir == null ? cwd.resolve(DEFAULT_DIR) : cwd.resolve(dir).normalize();
    }

    /** An option's value after precedence (upload target and disk cap: docs/ship.md), or null if unset. */
    public String value(String name) {
        return values.get(name);
    }

    List<String> warnings() {
        return warnings;
    }
}
