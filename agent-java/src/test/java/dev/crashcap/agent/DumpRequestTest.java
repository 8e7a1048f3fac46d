package dev.crashcap.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
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
    void theReplyFileTravelsWithTheRequestAndIsNoArmingOption() {
        DumpRequest request = new DumpRequest("1f-2e", "/var/crash", "/tmp/.crashcap-dump-1f-2e,x=y");
        String argument = "dir=/var/crash," + request.option() + ",verbose=true";
        assertEquals(request, DumpRequest.find(argument));
        assertEquals("dir=/var/crash,verbose=true", DumpRequest.withoutRequest(argument));
        assertEquals("", DumpRequest.find(new DumpRequest("1", "/x").option()).reply());
    }

    @Test
    void theReplyReadsBackAsThePropertiesItHolds() {
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("crashcap.armed", "0.1 /var/crash\\dumps\\tx");
        answer.put("crashcap.dump.1f", "/var/crash/snap\tshot-1\nline");
        answer.put("crashcap.dumpError.1f", "tab\tand\nnewline\\");
        String whole = DumpReply.render(answer);
        Properties read = DumpReply.parse(whole);
        Map<String, String> back = new LinkedHashMap<>();
        for (String key : read.stringPropertyNames()) back.put(key, read.getProperty(key));
        assertEquals(answer, back);
        // cut off before its end line, or empty (an agent that knows no reply file): no answer
        assertNull(DumpReply.parse(whole.substring(0, whole.length() - "end\n".length())));
        assertNull(DumpReply.parse(""));
    }

    @Test
    void noRequest() {
        assertNull(DumpRequest.find("dir=/x"));
        assertNull(DumpRequest.find(null));
        assertEquals("dir=/x", DumpRequest.withoutRequest("dir=/x"));
        assertEquals("", DumpRequest.withoutRequest(new DumpRequest("1", "").option()));
    }
}
