package dev.crashcap.attach;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One request over HotSpot's attach socket, version 1 of the protocol (which JDK 17 to 25 all speak): the
 * client writes {@code 1 NUL <command> NUL <arg0> NUL <arg1> NUL <arg2> NUL} (always three arguments, empty
 * when unused; each at most 1024 bytes), the JVM runs the command on its Attach Listener thread and writes
 * a status line ({@code 0} = done) and the command's output, then closes. Spoken with java.base alone
 * (UNIX-domain SocketChannel, Java 16+), so the CLI needs neither the jdk.attach module nor native code.
 */
final class AttachSocket {
    static final int MAX_ARGUMENT_BYTES = 1024; // HotSpot's AttachOperation::arg_length_max

    record Reply(int status, String text) {}

    private AttachSocket() {}

    static Reply execute(Path socket, Deadline deadline, String command, String... args)
            throws IOException, AttachException {
        byte[] request = request(command, args);
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // Blocking I/O on UNIX sockets has no timeout: a watchdog closes the channel at the deadline.
            Thread watchdog = watchdog(channel, deadline.remainingMillis());
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
                channel.write(ByteBuffer.wrap(request));
                return parse(readAll(channel));
            } catch (AsynchronousCloseException e) {
                throw new AttachException(AttachFailure.TIMED_OUT, "timed out after " + deadline.total()
                        + ": the target JVM did not answer '" + command + "' (busy at a safepoint, or hung)");
            } catch (SocketException e) {
                if (String.valueOf(e.getMessage()).contains("Permission denied")) {
                    throw new AttachException(AttachFailure.PERMISSION_DENIED, "permission denied: cannot connect to " + socket);
                }
                throw e;
            } finally {
                watchdog.interrupt();
            }
        }
    }

    static byte[] request(String command, String... args) throws AttachException {
        if (args.length > 3) throw new IllegalArgumentException("at most three arguments");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("1\0".getBytes(StandardCharsets.UTF_8));
        out.writeBytes((command + "\0").getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 3; i++) {
            byte[] arg = (i < args.length && args[i] != null ? args[i] : "").getBytes(StandardCharsets.UTF_8);
            if (arg.length > MAX_ARGUMENT_BYTES) {
                throw new AttachException(AttachFailure.BAD_INPUT, "too long for the attach protocol ("
                        + arg.length + " bytes, at most " + MAX_ARGUMENT_BYTES + "): " + args[i]);
            }
            out.writeBytes(arg);
            out.write(0);
        }
        return out.toByteArray();
    }

    /** The status line, then the rest. An empty reply is what HotSpot sends a peer it does not accept. */
    static Reply parse(byte[] bytes) throws AttachException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String status = (newline < 0 ? text : text.substring(0, newline)).trim();
        if (status.isEmpty()) {
            throw new AttachException(AttachFailure.PERMISSION_DENIED, "the target JVM closed the connection without"
                    + " a reply: it accepts only its own user and group, or root");
        }
        try {
            return new Reply(Integer.parseInt(status), newline < 0 ? "" : text.substring(newline + 1));
        } catch (NumberFormatException e) {
            throw new AttachException(AttachFailure.UNSUPPORTED_JVM, "not a HotSpot attach reply: " + firstLine(text));
        }
    }

    static String firstLine(String text) {
        return text.strip().lines().findFirst().orElse("");
    }

    private static byte[] readAll(SocketChannel channel) throws IOException {
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (channel.read(buffer) >= 0) {
            buffer.flip();
            reply.write(buffer.array(), 0, buffer.limit());
            buffer.clear();
        }
        return reply.toByteArray();
    }

    private static Thread watchdog(SocketChannel channel, long millis) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(Math.max(1, millis));
                channel.close();
            } catch (InterruptedException | IOException e) {
                // finished in time, or already closed
            }
        }, "crashcap-attach-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        return watchdog;
    }
}
