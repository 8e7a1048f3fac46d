package dev.crashcap.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.secrets.Redaction;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The upload target in the agent options, and keeping its secrets out of the bundle. */
class ShipOptionsTest {
    @Test
    void targetOptionsHaveTheSamePrecedenceAsDir() {
        Properties properties = new Properties();
        properties.setProperty("crashcap.token", "from-property");
        Map<String, String> environment = Map.of("CRASHCAP_SENTRY_DSN", "https://k@sentry.example/1",
                "CRASHCAP_TOKEN", "from-env", "CRASHCAP_URL", "https://env.example/x");
        AgentOptions options = AgentOptions.parse("url=https://arg.example/x", properties, environment);
        assertEquals("https://arg.example/x", options.value("url"));
        assertEquals("from-property", options.value("token"));
        assertEquals("https://k@sentry.example/1", options.value("sentry-dsn"));
        assertTrue(options.warnings().isEmpty(), options.warnings().toString());
    }

    @Test
    void crashcapsOwnAgentOptionsAreRedactedInTheCommandLine() {
        List<String> args = Redaction.arguments(List.of("java",
                "-javaagent:/opt/crashcap.jar=dir=/var/crash,url=https://c.example/x,token=abc,sentry-dsn=https://k@s/1"));
        assertEquals("-javaagent:/opt/crashcap.jar=dir=/var/crash,url=https://c.example/x,token=<redacted>,"
                + "sentry-dsn=<redacted>", args.get(1));
    }
}
