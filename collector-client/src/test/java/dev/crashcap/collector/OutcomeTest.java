package dev.crashcap.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutcomeTest {
    @Test
    void statusDecidesTheState() {
        assertEquals(Outcome.Kind.SENT, Outcome.ofStatus(200, "").kind());
        assertEquals(Outcome.Kind.SENT, Outcome.ofStatus(204, null).kind());
        assertEquals(Outcome.Kind.REFUSED, Outcome.ofStatus(400, "bad").kind());
        assertEquals(Outcome.Kind.REFUSED, Outcome.ofStatus(413, "too large").kind());
        for (int status : new int[] {401, 403, 404, 408, 425, 429, 500, 502, 503}) {
            assertEquals(Outcome.Kind.RETRY, Outcome.ofStatus(status, "").kind(), Integer.toString(status));
        }
        assertEquals("HTTP 401 (check the target's URL and token)", Outcome.ofStatus(401, "").reason());
        assertEquals("HTTP 400: " + "x".repeat(200) + "…", Outcome.ofStatus(400, "x".repeat(500)).reason());
    }

    @Test
    void aTokenThatCannotBeAHeaderIsRefusedUpFront() {
        TargetException e = assertThrows(TargetException.class,
                () -> new HttpCollector("https://c.example/x", "abc\r\nX-Evil: 1", Duration.ofSeconds(1)));
        assertEquals("--token may hold only printable ASCII without spaces", e.getMessage());
    }
}
