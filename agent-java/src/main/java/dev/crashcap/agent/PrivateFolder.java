package dev.crashcap.agent;

import dev.crashcap.collector.SafeFiles;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The folder crash bundles are written to: created when the agent arms (0700, and so is every missing parent,
 * whatever the umask), since a dying process cannot. A folder that other users can write to is refused: they could
 * plant bundles, links and files there that crashcap would later read, finish and ship (docs/ship.md); the agent
 * then does not arm, and says so in one line.
 */
final class PrivateFolder {
    private static final Set<PosixFilePermission> OTHERS_WRITE = Set.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);

    private PrivateFolder() {}

    static Path prepare(Path folder) throws AgentException {
        Path absolute = folder.toAbsolutePath().normalize();
        try {
            SafeFiles.privateDirectory(absolute);
        } catch (IOException | UnsupportedOperationException e) {
            throw new AgentException("cannot create bundle folder " + absolute + ": " + reason(e), e);
        }
        refuseShared(absolute);
        if (!Files.isWritable(absolute)) {
            throw new AgentException("bundle folder " + absolute + " is not writable");
        }
        return absolute;
    }

    /** Refuses a folder whose group or others may write to it (sticky or not), for root as for anyone. */
    private static void refuseShared(Path folder) throws AgentException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(folder);
        } catch (IOException | UnsupportedOperationException e) {
            return; // no POSIX modes here (not Linux): nothing to judge
        }
        boolean othersWrite = false;
        for (PosixFilePermission permission : OTHERS_WRITE) { // a loop, not a stream: no lambda bootstrap in premain
            othersWrite |= permissions.contains(permission);
        }
        if (othersWrite) {
            throw new AgentException("bundle folder " + folder + " is writable by other users (mode "
                    + PosixFilePermissions.toString(permissions) + "); they could plant files that crashcap would read"
                    + " and ship: use a folder only its owner can write to (chmod go-w " + folder + ")");
        }
    }

    /** Why, in words: the line is shown to people by crashcap attach and dump. */
    private static String reason(Exception e) {
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileAlreadyExistsException) return "a file of that name is in the way";
        if (e instanceof FileSystemException failure && failure.getReason() != null) return failure.getReason();
        return String.valueOf(e.getMessage());
    }
}
