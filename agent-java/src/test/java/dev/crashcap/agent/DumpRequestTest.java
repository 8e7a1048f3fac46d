package dev.crashcap.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class DumpRequestTest {

    @Test
    void theRequestTravelsWithTheOptionsAndAnyFolderSurvives() {
        DumpRequest request = new DumpRequest("1f-2e", "/var/crash, dumps/a=b%c d");
        String argument = "dir=/var/crash," + request.option();
        assertEquals(request, DumpRequest.find(argument));
        assertEquals("dir=/var/crash", DumpRequest.withoutRequest(argument));
    }

    @Test
    void noRequest() {
        assertNull(DumpRequest.find("dir=/x"));
        assertNull(DumpRequest.find(null));
        assertEquals("dir=/x", DumpRequest.withoutRequest("dir=/x"));
        assertEquals("", DumpRequest.withoutRequest(new DumpRequest("1", "").option()));
    }
}
