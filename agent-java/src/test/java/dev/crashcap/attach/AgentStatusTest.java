package dev.crashcap.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code crashcap.status} records as the native side writes them (status_property.c), read back. */
class AgentStatusTest {
    @Test
    void recordsWithEscapesAndOptions() {
        String status = "status\t1\nversion\t0.2.0\nfolder\t/data/crash\\tcap\npid\t77\narmedEpochMillis\t1764266084186\n"
                + "how\tattach\noption\tdir\t/data/crash\\tcap\targument\noption\ttoken\t<redacted>\tenvironment\n"
                + "future\tsomething\n";
        AgentStatus parsed = AgentStatus.parse(77, "17.0.15", status, "0.2.0 /data/crash\tcap");
        assertEquals(new AgentStatus(77, "17.0.15", "0.2.0", "/data/crash\tcap", 1764266084186L, "attach", List.of(
                new AgentStatus.Option("dir", "/data/crash\tcap", "argument"),
                new AgentStatus.Option("token", "<redacted>", "environment"))), parsed);
    }

    /** An agent that publishes crashcap.armed only (an older one): the version and the folder, nothing made up. */
    @Test
    void armedOnly() {
        AgentStatus parsed = AgentStatus.parse(5, "21", null, "0.1.0 /var/crash dumps");
        assertEquals("0.1.0", parsed.agentVersion());
        assertEquals("/var/crash dumps", parsed.bundleFolder());
        assertNull(parsed.armedEpochMillis());
        assertNull(parsed.how());
        assertEquals(List.of(), parsed.options());
    }
}
