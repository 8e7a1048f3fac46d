package dev.crashcap.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HumanReportTest {

    @Test
    void readsTopDownInTheDocumentedOrder() throws Exception {
        String report = HumanReport.render(Samples.parse(Samples.SEGV), "/work/app/hs_err_pid4242.log");
        int previous = -1;
        for (String part : List.of("A fatal error was captured by crashcap", "WHAT HAPPENED", "WHERE",
                "CRASHING THREAD", "PROCESS", "OTHER THREADS (2)", "MODULES (9)", "ENVIRONMENT (6")) {
            int at = report.indexOf(part);
            assertTrue(at > previous, part + " out of order in\n" + report);
            previous = at;
        }
        assertFalse(report.contains("cut off"), "a complete capture is not flagged");
    }

    @Test
    void whatAndWhere() throws Exception {
        String report = HumanReport.render(Samples.parse(Samples.SEGV), null);
        assertTrue(report.contains("  SIGSEGV (signal 11), code SEGV_MAPERR (1), address 0x0\n"), report);
        assertTrue(report.contains("diagnosis:         SIGSEGV (SEGV_MAPERR, address not mapped) at address 0x0 "
                + "(a null pointer) in crashcaptest_write_null+0x9 (libcrashcaptest.so)\n"), report);
        assertTrue(report.contains("problematic frame: libcrashcaptest.so+0x11a9  crashcaptest_write_null+0x9\n"));
        assertTrue(report.contains("suspect module:    libcrashcaptest.so  (/tmp/libcrashcaptest.so, build-id "
                + "3f1c9a0b7e6d5c4b3a2918f7e6d5c4b3a2918f7e)\n"), report);
        assertTrue(report.contains("hs_err:            not found\n"), report);
    }

    @Test
    void theAbortMessageIsShown() throws Exception {
        String report = HumanReport.render(Samples.parse(Samples.DOUBLE_FREE), null);
        assertTrue(report.contains("abort message:     free(): double free detected in tcache 2\n"), report);
        assertTrue(report.contains("sent by pid 5151"));
        assertTrue(report.contains("not found (HotSpot writes none when the process calls abort())"));
    }

    @Test
    void stacksAreNumberedWithNativeAndJavaFrames() throws Exception {
        String report = HumanReport.render(Samples.parse(Samples.SEGV), "/x/hs_err.log");
        assertTrue(report.contains("\n  #0  0x00007f3a2c1011a9 in crashcaptest_write_null+0x9 (libcrashcaptest.so+0x11a9)\n"
                + "  #1  0x00007f3a2c1011c2 in crashcaptest_level3+0xa (libcrashcaptest.so+0x11c2)\n"), report);
        assertTrue(report.contains("    #5  at java.lang.Thread.join(line 1300)\n"), report);
        assertTrue(report.contains("    #4  at java.lang.Object.wait(unknown line)\n"), report);
        assertTrue(report.contains("rip=0x00007f3a2c1011a9"));
        assertTrue(report.contains("hs_err:            /x/hs_err.log\n"));
        assertTrue(report.contains("command line:      java -javaagent:/opt/crashcap/crashcap.jar "
                + "-Djava.library.path=/tmp -cp /work/app/classes dev.crashcap.it.Crasher segv '--greeting=hello world'\n"));
    }

    @Test
    void aTruncatedCaptureSaysSoNearTheTop() throws Exception {
        String report = HumanReport.render(Samples.parse(Samples.TRUNCATED), null);
        int cutOff = report.indexOf("This capture was cut off");
        assertTrue(cutOff > 0 && cutOff < report.indexOf("WHAT HAPPENED"), report);
        assertTrue(report.contains("Shown is what it holds."));
        assertTrue(report.contains("(the capture was cut off before the module list)"));
        assertTrue(report.contains("WARNINGS"));
    }

    @Test
    void unknownFramesAndModules() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|thread", "tid|1", "crashed|1",
                "frame|native|0x7f0099990000||||", "frame|native|0x7f0010001234|/opt/libx.so|0x1234||");
        String report = HumanReport.render(bundle, null);
        assertTrue(report.contains("#0  0x00007f0099990000 in ?? (no module)\n"), report);
        assertTrue(report.contains("#1  0x00007f0010001234 in ?? (libx.so+0x1234)\n"), report);
        assertTrue(report.contains("problematic frame: 0x7f0099990000 (no module)\n"), report);
    }

    @Test
    void controlCharactersNeverReachTheTerminal() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|header", "env|EVIL|\u001b[31mred\\nline",
                "section|thread", "tid|1", "name|\u001b]0;title\u0007", "section|end", "end|complete");
        String report = HumanReport.render(bundle, null);
        assertFalse(report.contains("\u001b") || report.contains("\u0007"), report);
        assertTrue(report.contains("EVIL=\\x1b[31mred\\nline\n"), report);
    }

    @Test
    void anAlmostEmptyCaptureStillRenders() throws Exception {
        String report = HumanReport.render(Samples.parseLines("crashcap-capture|1"), null);
        assertTrue(report.contains("unknown signal"));
        assertTrue(report.contains("not in the capture"));
        assertEquals('\n', report.charAt(report.length() - 1));
    }
}
