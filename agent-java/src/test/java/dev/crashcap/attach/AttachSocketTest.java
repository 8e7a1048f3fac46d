package dev.crashcap.attach;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AttachSocketTest {
    @Test
    void requestHasVersionCommandAndAlwaysThreeArguments() throws AttachException {
        assertArrayEquals("1\0properties\0\0\0\0".getBytes(StandardCharsets.UTF_8), AttachSocket.request("properties"));
        assertArrayEquals("1\0load\0instrument\0false\0/a.jar=dir=/x\0".getBytes(StandardCharsets.UTF_8),
                AttachSocket.request("load", "instrument", "false", "/a.jar=dir=/x"));
    }

    @Test
    void argumentsLongerThanHotSpotAcceptsAreBadInput() {
        AttachException e = assertThrows(AttachException.class,
                () -> AttachSocket.request("load", "instrument", "false", "x".repeat(1025)));
        assertEquals(AttachFailure.BAD_INPUT, e.failure());
    }

    @Test
    void replyIsStatusLineThenText() throws AttachException {
        assertEquals(new AttachSocket.Reply(0, "return code: 0\n"),
                AttachSocket.parse("0\nreturn code: 0\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(new AttachSocket.Reply(101, ""), AttachSocket.parse("101\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anEmptyReplyIsARejectedPeer() {
        assertEquals(AttachFailure.PERMISSION_DENIED,
                assertThrows(AttachException.class, () -> AttachSocket.parse(new byte[0])).failure());
    }
}
