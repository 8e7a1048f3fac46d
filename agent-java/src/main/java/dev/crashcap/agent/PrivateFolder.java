package dev.crashcap.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The folder crash bundles are written to: created when the agent arms (0700), since a dying process cannot. */
final class PrivateFolder {
    private PrivateFolder() {}

    static Path prepare(Path folder) throws AgentException {
        Path absolute = folder.toAbsolutePath().normalize();
        try {
            if (!Files.isDirectory(absolute)) {
                Files.createDirectories(absolute);
                Files.setPosixFilePermissions(absolute, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new AgentException("cannot create bundle folder " + absolute + ": " + e, e);
        }
        if (!Files.isWritable(absolute)) {
            throw new AgentException("bundle folder " + absolute + " is not writable");
        }
        return absolute;
    }
}
