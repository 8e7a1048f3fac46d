package dev.crashcap.agent;

import java.util.Map;

/**
 * The Java modules a feature needs beyond java.base, and the one line that says which is missing. A runtime image
 * made by jlink holds only the modules it was given (README.md, "Java runtimes made by jlink"): without one of these,
 * the feature's first class from it throws NoClassDefFoundError. crashcap checks first where it can, and otherwise
 * turns that error into this line.
 */
public final class RuntimeModules {
    public static final String INSTRUMENT = "java.instrument";
    public static final String MANAGEMENT = "java.management";
    public static final String HTTP = "java.net.http";

    /** Packages of those modules, as a NoClassDefFoundError names a class ({@code java/net/http/HttpRequest}). */
    private static final Map<String, String> PACKAGES = Map.of("java/net/http/", HTTP, "java/lang/management/",
            MANAGEMENT, "java/lang/instrument/", INSTRUMENT);

    private RuntimeModules() {}

    /** True if {@code module} is in this JVM's boot layer: in its runtime image and resolved at start-up. */
    public static boolean present(String module) {
        return ModuleLayer.boot().findModule(module).isPresent();
    }

    /**
     * What is missing and how to add it, for {@code what} ("uploading", "crashcap upload"). The module may be
     * absent from the image (jlink) or present but not resolved (a modular application, {@code --limit-modules}):
     * {@code --add-modules} is the fix for both, given to jlink or to java.
     */
    public static String missing(String module, String what) {
        return what + " needs the " + module + " module, which the Java runtime in "
                + System.getProperty("java.home", "?") + " does not have: add it (jlink --add-modules " + module
                + ", or java --add-modules " + module + ")";
    }

    /** The module whose class {@code error} could not find, or null if it is none of those above. */
    public static String of(LinkageError error) {
        String message = String.valueOf(error.getMessage()).replace('.', '/');
        for (Map.Entry<String, String> entry : PACKAGES.entrySet()) {
            if (message.startsWith(entry.getKey())) return entry.getValue();
        }
        return null;
    }
}
