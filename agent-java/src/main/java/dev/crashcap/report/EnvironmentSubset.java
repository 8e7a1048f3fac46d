package dev.crashcap.report;

import dev.crashcap.secrets.Redaction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment variables a JVM engineer needs from a crash (docs/bundle-format.md, "Environment shown by
 * default"): what configures the JVM and the Java launcher, the dynamic loader, glibc's allocator, the locale and
 * time zone, the search paths; and every variable crashcap redacted, so that the reader sees a secret was there.
 * {@code crashcap inspect --env} shows them all.
 */
final class EnvironmentSubset {
    /** Names shown as they are. */
    static final List<String> NAMES = List.of("JAVA_HOME", "JRE_HOME", "JDK_HOME", "JAVA_TOOL_OPTIONS",
            "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "JAVA_OPTS", "CLASSPATH", "PATH", "LD_LIBRARY_PATH", "LD_PRELOAD",
            "LD_BIND_NOW", "GLIBC_TUNABLES", "MALLOC_ARENA_MAX", "LANG", "LANGUAGE", "TZ", "HOME", "USER", "SHELL",
            "TMPDIR", "HOSTNAME", "container", "KUBERNETES_SERVICE_HOST", "DEBUGINFOD_URLS");
    /** Name prefixes shown as they are. */
    static final List<String> PREFIXES = List.of("JAVA_", "JDK_", "LD_", "MALLOC_", "LC_", "CRASHCAP_", "OPENJ9_",
            "JAVA_TOOL_", "HOTSPOT_");

    private EnvironmentSubset() {
    }

    /** Those of {@code env} to show by default, in their captured order. */
    static Map<String, String> of(Map<String, String> env) {
        Map<String, String> shown = new LinkedHashMap<>();
        env.forEach((name, value) -> {
            if (wanted(name) || value != null && value.contains(Redaction.REDACTED)) {
                shown.put(name, value);
            }
        });
        return shown;
    }

    static boolean wanted(String name) {
        if (NAMES.contains(name)) {
            return true;
        }
        for (String prefix : PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
