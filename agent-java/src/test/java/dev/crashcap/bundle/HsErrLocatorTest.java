package dev.crashcap.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HsErrLocatorTest {
    private static final long CRASH_TIME = 1795517364000L;

    @TempDir
    Path temp;
    Path cwd;
    Path tmp;

    @BeforeEach
    void directories() throws IOException {
        cwd = Files.createDirectories(temp.resolve("cwd"));
        tmp = Files.createDirectories(temp.resolve("tmp"));
    }

    @Test
    void errorFileWithPidFromTheCommandLine() throws Exception {
        Path expected = hsErr(temp.resolve("logs/hs_err_4242_x.log"), 0);
        hsErr(cwd.resolve("hs_err_pid4242.log"), 0); // there too, but ErrorFile comes first
        Bundle bundle = bundle(List.of("arg|java", "arg|-XX:ErrorFile=" + temp + "/logs/hs_err_%p_x.log",
                "arg|Main"));
        assertEquals(expected.toString(), HsErrLocator.find(bundle, tmp));
    }

    @Test
    void relativeErrorFileIsResolvedAgainstTheProcessCwd() throws Exception {
        Path expected = hsErr(cwd.resolve("crashes/jvm-4242.log"), 0);
        Bundle bundle = bundle(List.of("arg|java", "arg|-XX:ErrorFile=crashes/jvm-%p.log"));
        assertEquals(expected.toString(), HsErrLocator.find(bundle, tmp));
    }

    @Test
    void errorFileFromJavaToolOptions() throws Exception {
        Path expected = hsErr(temp.resolve("tool-4242.log"), 0);
        Bundle bundle = bundle(List.of("arg|java", "env|JAVA_TOOL_OPTIONS|-Xss2m  -XX:ErrorFile=" + temp
                + "/tool-%p.log -Dx=y"));
        assertEquals(expected.toString(), HsErrLocator.find(bundle, tmp));
    }

    @Test
    void theCommandLineOverridesJavaToolOptions() throws Exception {
        hsErr(temp.resolve("tool.log"), 0);
        Path expected = hsErr(temp.resolve("cmd.log"), 0);
        Bundle bundle = bundle(List.of("arg|java", "arg|-XX:ErrorFile=" + temp + "/cmd.log",
                "env|JAVA_TOOL_OPTIONS|-XX:ErrorFile=" + temp + "/tool.log"));
        assertEquals(expected.toString(), HsErrLocator.find(bundle, tmp));
    }

    @Test
    void expandsPercentSigns() {
        assertEquals("/x/4242/100%/4242", HsErrLocator.expandPid("/x/%p/100%%/%p", 4242L));
    }

    @Test
    void fallsBackToTheCwdThenTmp() throws Exception {
        Bundle bundle = bundle(List.of("arg|java", "arg|-XX:ErrorFile=" + temp + "/missing-%p.log"));
        Path inTmp = hsErr(tmp.resolve("hs_err_pid4242.log"), 0);
        assertEquals(inTmp.toString(), HsErrLocator.find(bundle, tmp));
        Path inCwd = hsErr(cwd.resolve("hs_err_pid4242.log"), 0);
        assertEquals(inCwd.toString(), HsErrLocator.find(bundle, tmp));
    }

    @Test
    void theProcessTmpdirIsTriedBeforeTheSystemTmp() throws Exception {
        Path own = hsErr(temp.resolve("own-tmp/hs_err_pid4242.log"), 0);
        hsErr(tmp.resolve("hs_err_pid4242.log"), 0);
        Bundle bundle = bundle(List.of("arg|java", "arg|-Djava.io.tmpdir=" + temp + "/own-tmp"));
        assertEquals(own.toString(), HsErrLocator.find(bundle, tmp));
    }

    @Test
    void ignoresFilesOlderThanTheCrash() throws Exception {
        hsErr(cwd.resolve("hs_err_pid4242.log"), -60_000); // an earlier process with the same pid
        Path recent = hsErr(tmp.resolve("hs_err_pid4242.log"), -4_000); // within the clock slack
        Bundle bundle = bundle(List.of("arg|java"));
        assertEquals(recent.toString(), HsErrLocator.find(bundle, tmp));
        Files.setLastModifiedTime(recent, FileTime.fromMillis(CRASH_TIME - 6_000));
        assertNull(HsErrLocator.find(bundle, tmp));
    }

    @Test
    void aCopyInTheBundleWins() throws Exception {
        hsErr(cwd.resolve("hs_err_pid4242.log"), 0);
        Path dir = Files.createDirectories(temp.resolve("bundle"));
        Path copy = hsErr(dir.resolve("hs_err.log"), -3_600_000); // copied: its time does not matter
        Bundle parsed = bundle(List.of("arg|java"));
        Bundle bundle = new Bundle(dir, parsed.header(), parsed.crash(), parsed.threads(),
                parsed.threadsSummary(), parsed.modules(), parsed.captureMicros(), parsed.truncated(), parsed.warnings(),
                parsed.kind(), parsed.locks(), parsed.context());
        assertEquals(copy.toString(), HsErrLocator.find(bundle, tmp));
    }

    @Test
    void nothingFoundIsNull() throws Exception {
        assertNull(HsErrLocator.find(bundle(List.of("arg|java")), tmp));
        assertNull(HsErrLocator.find(Samples.parseLines("crashcap-capture|1"), tmp), "no pid, no cwd");
    }

    /** A capture of pid 4242 in {@link #cwd}, crashed at {@link #CRASH_TIME}, with these header lines. */
    private Bundle bundle(List<String> headerLines) throws BundleException {
        List<String> lines = new ArrayList<>(List.of("crashcap-capture|1", "section|header", "process.pid|4242",
                "process.cwd|" + cwd));
        lines.addAll(headerLines);
        lines.addAll(List.of("section|crash", "time.epochMillis|" + CRASH_TIME, "process.pid|4242", "section|end",
                "end|complete"));
        return Samples.parseLines(lines.toArray(String[]::new));
    }

    /** Creates an hs_err file of pid 4242 (HotSpot's header line) modified {@code offsetMillis} after the crash. */
    private static Path hsErr(Path path, long offsetMillis) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "# A fatal error has been detected by the Java Runtime Environment:\n#\n"
                + "#  SIGSEGV (0xb) at pc=0x00007f0000001000, pid=4242, tid=4243\n");
        Files.setLastModifiedTime(path, FileTime.fromMillis(CRASH_TIME + offsetMillis));
        return path;
    }
}
