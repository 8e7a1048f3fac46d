package dev.crashcap.ship;

import dev.crashcap.bundle.Header;
import dev.crashcap.bundle.JavaFrame;
import dev.crashcap.bundle.LibraryCaller;
import dev.crashcap.bundle.LoadedModule;
import dev.crashcap.bundle.NativeFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which frames of a crash are the application's ({@code in_app} of Sentry's stack frames), so Sentry groups and
 * highlights on the application's code instead of on libc and libjvm. Sentry's own default marks every Linux path
 * as system code, so crashcap says it for each frame it can tell:
 * <ul>
 * <li>{@code true}: Java frames in a package named by the {@code in-app} option (a prefix of the class name at a
 * package boundary, as sentry-java's in-app includes), and native frames of a library that application code loaded
 * (the {@code library} line of the capture: a caller class from a jar or folder, or in a named package);
 * <li>{@code false}: the JDK's classes and libraries (anything under {@code java.home}, libjvm included), crashcap's
 * own classes and {@code libcrashcap.so}, and the system's libraries ({@code /lib}, {@code /usr/lib}, libc, the
 * vDSO);
 * <li>unknown (no {@code in_app}, Sentry's rules apply) for anything else.
 * </ul>
 * The in-app packages win over the other rules, as sentry-java's includes win over its excludes.
 */
final class InAppRules {
    /** Package prefixes of the JDK's classes. */
    private static final List<String> JDK_PACKAGES = List.of("java", "javax", "jdk", "sun", "com.sun");
    /** crashcap's own packages (agent-java and collector-client); not {@code dev.crashcap} as a whole. */
    private static final List<String> CRASHCAP_PACKAGES = List.of("dev.crashcap.agent", "dev.crashcap.attach",
            "dev.crashcap.bundle", "dev.crashcap.cli", "dev.crashcap.report", "dev.crashcap.secrets",
            "dev.crashcap.ship", "dev.crashcap.symbols", "dev.crashcap.collector");
    private static final String CRASHCAP_LIBRARY = "libcrashcap.so";
    private static final List<String> SYSTEM_DIRECTORIES = List.of("/lib/", "/lib64/", "/lib32/", "/usr/lib/",
            "/usr/lib64/", "/usr/lib32/", "/usr/libexec/");

    private final List<String> inAppPackages;
    private final String javaHome;
    private final Map<String, LoadedModule> modulesByPath;

    InAppRules(Header header, Map<String, LoadedModule> modulesByPath) {
        this.inAppPackages = packages(header.inApp());
        this.javaHome = header.javaHome() == null || header.javaHome().isEmpty() ? null
                : header.javaHome().endsWith("/") ? header.javaHome() : header.javaHome() + "/";
        this.modulesByPath = modulesByPath;
    }

    /** The {@code in-app} option's packages: comma-separated, blanks ignored. */
    static List<String> packages(String option) {
        List<String> packages = new ArrayList<>();
        if (option != null) {
            for (String item : option.split(",")) {
                String name = item.trim();
                while (name.endsWith(".") || name.endsWith("*")) {
                    name = name.substring(0, name.length() - 1); // "com.example.*" and "com.example." mean the same
                }
                if (!name.isEmpty()) packages.add(name);
            }
        }
        return packages;
    }

    Boolean of(JavaFrame frame) {
        return ofClass(frame.className());
    }

    Boolean of(NativeFrame frame) {
        String path = frame.modulePath();
        if (path == null) {
            return null;
        }
        if (CRASHCAP_LIBRARY.equals(LoadedModule.nameOf(path))) return false;
        if (javaHome != null && path.startsWith(javaHome)) return false;
        LoadedModule module = modulesByPath.get(path);
        LibraryCaller caller = module == null ? null : module.loadedBy();
        if (caller != null) {
            Boolean byClass = caller.javaClass() == null ? null : ofClass(caller.javaClass());
            if (byClass != null) return byClass;
            if (caller.jar() != null) return true; // an application class from a jar or folder loaded it
        }
        if (path.startsWith("[") || SYSTEM_DIRECTORIES.stream().anyMatch(path::startsWith)) return false;
        return null;
    }

    private Boolean ofClass(String className) {
        if (className == null) return null;
        if (inAppPackages.stream().anyMatch(p -> inPackage(className, p))) return true;
        if (JDK_PACKAGES.stream().anyMatch(p -> inPackage(className, p))) return false;
        if (CRASHCAP_PACKAGES.stream().anyMatch(p -> inPackage(className, p))) return false;
        return null;
    }

    private static boolean inPackage(String className, String prefix) {
        return className.startsWith(prefix) && (className.length() == prefix.length()
                || className.charAt(prefix.length()) == '.' || className.charAt(prefix.length()) == '$');
    }
}
