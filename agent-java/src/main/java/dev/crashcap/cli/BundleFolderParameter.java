package dev.crashcap.cli;

import dev.crashcap.agent.AgentOptions;
import dev.crashcap.bundle.BundleException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/**
 * The {@code [<folder>]} of list and upload: a bundle folder. Unless given, it is the folder an agent started in
 * the same place writes to: {@code -Dcrashcap.dir}, else {@code CRASHCAP_DIR} ({@link ConfiguredDefaults}), else
 * {@code ./crashcap}.
 */
final class BundleFolderParameter {
    /** How {@link ConfiguredDefaults} knows this parameter: it is the agent's {@code dir}. */
    static final String LABEL = "<folder>";

    @Parameters(paramLabel = LABEL, arity = "0..1", defaultValue = AgentOptions.DEFAULT_DIR,
            description = "The folder holding bundles (default: ${DEFAULT-VALUE}, from -Dcrashcap.dir or $CRASHCAP_DIR "
                    + "as for the agent, else " + AgentOptions.DEFAULT_DIR + " in the working directory).")
    String folder;

    Path path() throws BundleException {
        try {
            return Path.of(folder);
        } catch (InvalidPathException e) {
            throw new BundleException("no such directory: " + folder);
        }
    }

    /** The folder, which must exist. */
    Path directory() throws BundleException {
        Path path = path();
        if (!Files.isDirectory(path)) {
            throw new BundleException("no such directory: " + folder);
        }
        return path;
    }
}
