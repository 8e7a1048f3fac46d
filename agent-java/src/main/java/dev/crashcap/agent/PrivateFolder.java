package dev.crashcap.agent;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
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
            throw new AgentException("cannot create bundle folder " + absolute + ": " + reason(e), e);
        }
        if (!Files.isWritable(absolute)) {
            throw new AgentException("bundle folder " + absolute + " is not writable");
        }
        return absolute;
    }

    /** Why, in words: the line is shown to people by crashcap attach and dump. */
    private static String reason(Exception e) {
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileAlreadyExistsException) return "a file of that name is in the way";
        if (e instanceof FileSystemException failure && failure.getReason() != null) return failure.getReason();
        return String.valueOf(e.getMessage());
    }
}
