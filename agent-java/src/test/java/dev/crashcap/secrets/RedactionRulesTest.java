package dev.crashcap.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one set of redaction rules: secrets by value (token shapes), agent options with commas, hs_err lines. */
class RedactionRulesTest {
    @Test
    void tokenShapesAreRedactedWhateverTheyAreCalled() {
        assertEquals("key AKIA<redacted> and ASIA<redacted>",
                Redaction.text("key AKIAQWERTYUIOPASDFGH and ASIAQWERTYUIOPASDFGH"));
        assertEquals("AKIAQWERTYUIOPASDFGHX stays: 21 characters is not a key id",
                Redaction.text("AKIAQWERTYUIOPASDFGHX stays: 21 characters is not a key id"));
        assertEquals("ghp_<redacted> github_pat_<redacted>", Redaction.text(
                "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8 github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"));
        assertEquals("xoxb-<redacted>, xoxp-<redacted>", Redaction.text("xoxb-123456789012-abcdefABCDEF, "
                + "xoxp-1234-5678-90ab-cdef"));
        assertEquals("https://hooks.slack.com/services/<redacted>",
                Redaction.text("https://hooks.slack.com/services/T0123ABCD/B0123ABCD/sl4ckW3bh00kS3cr3t"));
        assertEquals("jwt=<redacted>;", Redaction.text(
                "jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ;"));
        assertEquals("Authorization: Bearer <redacted>", Redaction.text("Authorization: Bearer abc.def-ghi"));
        assertEquals("authorization: Basic <redacted>", Redaction.text("authorization: Basic dXNlcjpwYXNz"));
        assertEquals("header Bearer <redacted> sent", Redaction.text("header Bearer abc123 sent"));
        assertEquals("jdbc:postgresql://db/app?user=app&password=<redacted>&ssl=true",
                Redaction.text("jdbc:postgresql://db/app?user=app&password=pw1&ssl=true"));
        assertEquals("jdbc:sqlserver://db;user=sa;password=<redacted>",
                Redaction.text("jdbc:sqlserver://db;user=sa;password=pw2"));
    }

    @Test
    void aPemPrivateKeyIsRedactedAcrossLines() {
        String pem = "before\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAKC\n-----END RSA PRIVATE KEY-----\nafter";
        assertEquals("before\n-----BEGIN RSA PRIVATE KEY-----<redacted>-----END RSA PRIVATE KEY-----\nafter",
                Redaction.text(pem));
        assertEquals("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
                Redaction.text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"), "public: kept");
        assertEquals("-----BEGIN PRIVATE KEY-----<redacted>", Redaction.text("-----BEGIN PRIVATE KEY-----\nMIIE"),
                "cut off before its end: redacted to the end");
    }

    @Test
    void whatIsNoSecretIsLeftAsItIs() {
        String line = "#  SIGSEGV (0xb) at pc=0x00007f6c1c61e1b5, pid=35870, tid=35871 [libjvm.so+0x8e41b5] "
                + "Java_dev_crashcap_testapp_Crasher_crash+0x15; PWD=/home/app; https://example.com/a?b=c&d=e";
        assertEquals(line, Redaction.text(line));
        assertEquals(List.of("-Xmx1g", "-Dkeystore.path=/etc/ks", "Main"),
                Redaction.arguments(List.of("-Xmx1g", "-Dkeystore.path=/etc/ks", "Main")));
    }

    @Test
    void argumentsAndEnvironmentUseTheValueRulesToo() {
        assertEquals(List.of("-Dregion=AKIA<redacted>", "--password", "<redacted>"),
                Redaction.arguments(List.of("-Dregion=AKIAQWERTYUIOPASDFGH", "--password", "pw")));
        assertEquals("Bearer <redacted>", Redaction.environmentValue("APP_HINT", "Bearer abc"));
        assertEquals("-Dx.password=<redacted> -Dy=ghp_<redacted>", Redaction.environmentValue("JAVA_TOOL_OPTIONS",
                "-Dx.password=a -Dy=ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"));
    }

    @Test
    void aCommaInsideASecretDoesNotSplitIt() {
        assertEquals(List.of("dir=/a,b", "token=x,y", "max-mb=5"), OptionItems.split("dir=/a,b,token=x,y,max-mb=5"));
        assertEquals(List.of("token=x,y=z"), OptionItems.split("token=x,y=z"), "a secret swallows an unknown name=");
        assertEquals(List.of("url=https://c/x", "bogus=1"), OptionItems.split("url=https://c/x,bogus=1"),
                "after anything else, an unknown option is one of its own (and reported)");
        assertEquals("dir=/d,token=<redacted>,sentry-dsn=<redacted>",
                OptionItems.redact("dir=/d,token=a,b=c,sentry-dsn=https://k@s/1"));
        assertEquals(List.of("-javaagent:/o/other.jar=host=h,password=<redacted>"),
                Redaction.arguments(List.of("-javaagent:/o/other.jar=host=h,password=p,q")));
    }

    @Test
    void hsErrLinesAreRedactedAsTheCaptureIs() {
        String hsErr = String.join("\n",
                "#  SIGSEGV (0xb) at pc=0x00007f6c1c61e1b5, pid=35870, tid=35871",
                "Command Line: -Dspring.datasource.password=pw1 -Dapi=xoxb-123456789012-abcdef Main --token tk",
                "jvm_args: -Djavax.net.ssl.keyStorePassword=pw2 -Durl=http://u:pw3@h/x",
                "java_command: Main --secret s1",
                "JVMTI agents:",
                "/opt/crashcap.jar path:none, loaded, initialized, instrumentlib options:dir=/d,token=t1,t2",
                "Environment Variables:",
                "JAVA_TOOL_OPTIONS=-Ddb.password=pw4",
                "DB_PASSWORD=pw5",
                "PATH=/usr/bin",
                "  bool UseCompressedOops = true");
        assertEquals(String.join("\n", HsErrRedaction.NOTE,
                "#  SIGSEGV (0xb) at pc=0x00007f6c1c61e1b5, pid=35870, tid=35871",
                "Command Line: -Dspring.datasource.password=<redacted> -Dapi=xoxb-<redacted> Main --token <redacted>",
                "jvm_args: -Djavax.net.ssl.keyStorePassword=<redacted> -Durl=http://u:<redacted>@h/x",
                "java_command: Main --secret <redacted>",
                "JVMTI agents:",
                "/opt/crashcap.jar path:none, loaded, initialized, instrumentlib options:dir=/d,token=<redacted>",
                "Environment Variables:",
                "JAVA_TOOL_OPTIONS=-Ddb.password=<redacted>",
                "DB_PASSWORD=<redacted>",
                "PATH=/usr/bin",
                "  bool UseCompressedOops = true"), HsErrRedaction.redact(hsErr));
    }
}
