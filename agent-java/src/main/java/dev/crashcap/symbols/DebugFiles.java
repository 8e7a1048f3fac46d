package dev.crashcap.symbols;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a module's separate debug file may be, as GDB looks for it: distributions strip {@code .symtab} and the
 * DWARF sections out of their libraries into packages such as Debian's {@code libc6-dbg} (whose files give libc's
 * internal names, {@code start_thread}, {@code __futex_abstimed_wait_common}, {@code clone3}). First by build-id,
 * {@code <root>/.build-id/xx/yyyy….debug}; then by the name in the module's {@code .gnu_debuglink}: next to the
 * module, in a {@code .debug} folder beside it, and under {@code <root>} with the module's folder. A candidate is
 * used only if its own build-id is the module's ({@link Symbolizer} checks): the name alone proves nothing.
 */
final class DebugFiles {
    static final Path ROOT = Path.of("/usr/lib/debug");
    private static final Pattern BUILD_ID = Pattern.compile("[0-9a-f]{4,128}");

    private DebugFiles() {
    }

    /** The files that exist, in the order they are tried. */
    static List<Path> candidates(Path root, String buildId, String modulePath, String debugLink) {
        List<Path> candidates = new ArrayList<>();
        String id = buildId == null ? "" : buildId.toLowerCase(Locale.ROOT);
        if (BUILD_ID.matcher(id).matches()) {
            candidates.add(root.resolve(".build-id").resolve(id.substring(0, 2)).resolve(id.substring(2) + ".debug"));
        }
        // A link is a plain file name: one with a slash (or . or ..) could point anywhere, so it is not followed.
        boolean plainName = debugLink != null && !debugLink.isEmpty() && debugLink.indexOf('/') < 0
                && !debugLink.equals(".") && !debugLink.equals("..");
        if (plainName && modulePath != null) {
            try {
                Path module = Path.of(modulePath);
                Path folder = module.getParent();
                if (folder != null && module.isAbsolute()) {
                    candidates.add(folder.resolve(debugLink));
                    candidates.add(folder.resolve(".debug").resolve(debugLink));
                    candidates.add(root.resolve(folder.toString().substring(1)).resolve(debugLink));
                }
            } catch (InvalidPathException e) {
                // a path the capture recorded that this file system cannot name: no link to follow
            }
        }
        List<Path> existing = new ArrayList<>();
        for (Path candidate : candidates) {
            if (modulePath != null && candidate.toString().equals(modulePath)) {
                continue; // the module itself (a link naming its own file)
            }
            if (Files.isRegularFile(candidate) && !existing.contains(candidate)) {
                existing.add(candidate);
            }
        }
        return existing;
    }
}
