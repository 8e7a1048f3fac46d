package dev.crashcap.attach;

import dev.crashcap.agent.DumpReply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/**
 * The file a dump's agent answers in ({@link DumpReply}), so that the CLI needs no {@code properties} round trip after
 * the load. Created here, empty, in the target's /tmp as the target sees it (through /proc/<pid>/root for a JVM in a
 * container, as the attach socket is found): 0600, new (never an existing file or a link), and the target's user's
 * when we are root and it is not. The agent only writes into it; the CLI reads it after the load and deletes it.
 */
final class ReplyFile implements AutoCloseable {
    final Path here;
    /** Its path as the target sees it. */
    final String inTarget;

    private ReplyFile(Path here, String inTarget) {
        this.here = here;
        this.inTarget = inTarget;
    }

    /** Null when it cannot be made (a read-only /tmp, say): then the answer is read with {@code properties}. */
    static ReplyFile create(TargetProcess target, String id) {
        String name = ".crashcap-dump-" + id;
        Path here = target.tmp().resolve(name);
        try {
            Files.createFile(here, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        ReplyFile file = new ReplyFile(here, "/tmp/" + name);
        try {
            if (TargetProcess.self().effectiveUid() != target.status.effectiveUid()) { // root: give it to the JVM's user
                Files.setAttribute(here, "unix:uid", target.status.effectiveUid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(here, "unix:gid", target.status.effectiveGid(), LinkOption.NOFOLLOW_LINKS);
            }
            return file;
        } catch (IOException | RuntimeException e) {
            file.close();
            return null;
        }
    }

    /** The agent's answer, or null when it wrote none (an agent from before reply files). */
    Properties read() {
        try {
            return DumpReply.parse(Files.readString(here, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(here);
        } catch (IOException e) {
            // a stale empty file in /tmp, 0600: harmless
        }
    }
}
