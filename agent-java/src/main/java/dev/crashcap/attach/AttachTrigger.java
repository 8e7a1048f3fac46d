package dev.crashcap.attach;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Asks a HotSpot JVM to open its attach socket: HotSpot's Signal Dispatcher answers SIGQUIT by starting the
 * Attach Listener if it finds a file {@code .attach_pid<pid>} in the JVM's working directory or in /tmp,
 * owned by the JVM's own user or by root (otherwise it prints a thread dump instead). The file is created in
 * the working directory (reached through /proc/<pid>/cwd, so that it is the JVM's, even in a container),
 * else in its /tmp, and removed again as soon as the socket is there or the wait is over.
 */
final class AttachTrigger {
    private AttachTrigger() {}

    /** Creates the trigger file, signals the JVM, waits for its socket; returns when the socket exists. */
    static void openSocket(TargetProcess target, ProcStatus self, Deadline deadline) throws AttachException {
        String name = ".attach_pid" + target.status.namespacePid();
        Path trigger = create(target.cwd().resolve(name), target, self);
        if (trigger == null) trigger = create(target.tmp().resolve(name), target, self);
        if (trigger == null) {
            throw new AttachException(AttachFailure.PERMISSION_DENIED, "permission denied: cannot create " + name
                    + " in the working directory of pid " + target.pid + " nor in " + target.tmp());
        }
        try {
            sigquit(target.pid);
            waitFor(target, deadline);
        } finally {
            try {
                Files.deleteIfExists(trigger);
            } catch (IOException e) {
                // HotSpot ignores a stale trigger once its listener runs; nothing else reads it
            }
        }
    }

    /**
     * Creates the file, or returns null if it cannot be created there or would not be trusted: some file
     * systems (NFS with root squashing) give new files another owner, and HotSpot ignores a file that is
     * neither its user's nor root's. Root gives the file to the JVM's user, which every HotSpot version trusts.
     */
    private static Path create(Path trigger, TargetProcess target, ProcStatus self) {
        try {
            try {
                Files.createFile(trigger);
            } catch (FileAlreadyExistsException e) {
                // left by another attach tool: just as good, if its owner is right
            }
            if (self.isRoot() && target.status.effectiveUid() != 0) {
                Files.setAttribute(trigger, "unix:uid", target.status.effectiveUid(), LinkOption.NOFOLLOW_LINKS);
            }
            int owner = (Integer) Files.getAttribute(trigger, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (owner == 0 || owner == target.status.effectiveUid()) return trigger;
            Files.deleteIfExists(trigger);
        } catch (IOException | RuntimeException e) {
            // not writable here (read-only, or another user's directory): try the next place
        }
        return null;
    }

    /**
     * SIGQUIT through the shell's built-in {@code kill} (/bin/sh is on every Linux, a kill binary on the PATH is
     * not, in slim containers): Java's ProcessHandle can only send SIGTERM and SIGKILL, and the alternative,
     * native code through JNA, would put a native library into the CLI for one system call.
     */
    private static void sigquit(long pid) throws AttachException {
        try {
            Process kill = new ProcessBuilder(List.of("/bin/sh", "-c", "kill -QUIT " + pid))
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            kill.getOutputStream().close();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = kill.waitFor();
            if (exit == 0) return;
            if (output.contains("not permitted")) { // dash and bash: "Operation not permitted"
                throw new AttachException(AttachFailure.PERMISSION_DENIED, "permission denied: cannot signal pid " + pid);
            }
            if (output.contains("No such process")) {
                throw new AttachException(AttachFailure.NO_SUCH_PROCESS, "no such process: " + pid + " has exited");
            }
            throw new AttachException(AttachFailure.PERMISSION_DENIED, "kill -QUIT " + pid + " failed: "
                    + AttachSocket.firstLine(output));
        } catch (IOException e) {
            throw new AttachException(AttachFailure.PERMISSION_DENIED, "cannot run kill -QUIT " + pid + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AttachException(AttachFailure.TIMED_OUT, "interrupted");
        }
    }

    /**
     * Polls for the socket, every few milliseconds: it appears within 10 to 70 ms (the JVM starts its attach listener
     * thread), and a check is one stat call. Polling less often, as before (up to 50 ms apart), cost a dump up to 50 ms.
     */
    private static void waitFor(TargetProcess target, Deadline deadline) throws AttachException {
        Path socket = target.socket();
        long sleep = 1;
        while (!Files.exists(socket)) {
            if (!target.isAlive()) {
                throw new AttachException(AttachFailure.NO_SUCH_PROCESS, "no such process: " + target.pid + " has exited");
            }
            if (deadline.passed()) {
                throw new AttachException(AttachFailure.TIMED_OUT, "timed out after " + deadline.total() + ": pid "
                        + target.pid + " did not open " + socket + " (attach disabled by an option not seen on its"
                        + " command line, or the JVM is hung)");
            }
            try {
                Thread.sleep(Math.min(sleep, Math.max(1, deadline.remainingMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AttachException(AttachFailure.TIMED_OUT, "interrupted");
            }
            sleep = Math.min(sleep * 2, 4);
        }
    }
}
