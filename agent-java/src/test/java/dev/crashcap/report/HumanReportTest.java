package dev.crashcap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Samples;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HumanReportTest {

    @Test
    void readsTopDownInTheDocumentedOrder() throws Exception {
        String report = HumanReport.render(Samples.parse(Samples.SEGV), "/work/app/hs_err_pid4242.log");
        int previous = -1;
        for (String part : List.of("A fatal error was captured by crashcap", "WHAT HAPPENED", "WHERE",
                "CRASHING THREAD", "CONTEXT", "PROCESS", "OTHER THREADS (2)", "MODULES (9)", "ENVIRONMENT (4 of 6")) {
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
    void anAbortsProblematicFrameIsTheCallerOutsideLibc() throws Exception {
        String report = HumanReport.render(Samples.parse(Samples.DOUBLE_FREE), null);
        assertTrue(report.contains("problematic frame: libcrashcaptest.so+0x125d  crashcaptest_double_free+0x1d"
                + "  (called abort through libc)\n"), report);
    }

    @Test
    void stacksAreNumberedWithNativeAndJavaFrames() throws Exception {
        String report = HumanReport.render(Samples.parse(Samples.SEGV), "/x/hs_err.log");
        assertTrue(report.contains("\n  #0  0x00007f3a2c1011a9 in crashcaptest_write_null+0x9 (libcrashcaptest.so+0x11a9)\n"
                + "  #1  0x00007f3a2c1011c2 in crashcaptest_level3+0xa (libcrashcaptest.so+0x11c2)\n"), report);
        assertTrue(report.contains("    #5  at java.lang.Thread.join(line 1300)\n"), report);
        assertTrue(report.contains("    #4  at java.lang.Object.wait(Unknown Source)\n"), report);
        assertTrue(report.contains("rip=0x00007f3a2c1011a9"));
        assertTrue(report.contains("hs_err:            /x/hs_err.log\n"));
        assertTrue(report.contains("command line:      java -javaagent:/opt/crashcap/crashcap.jar "
                + "-Djava.library.path=/tmp -cp /work/app/classes dev.crashcap.it.Crasher segv '--greeting=hello world'\n"));
    }

    @Test
    void aStackOverflowIsFoldedIntoOneLine() throws Exception {
        List<String> lines = new ArrayList<>(List.of("crashcap-capture|1", "section|crash", "signal.number|11",
                "signal.name|SIGSEGV", "signal.address|0x7f3a0c8ffff8", "section|thread", "tid|1", "name|crash-worker",
                "crashed|1", "stack|0x7f3a0c900000|0x7f3a0ca00000", "stack.sp|0x7f3a0c901000"));
        lines.add("frame|native|0x7f0010001000|/tmp/libcrashcaptest.so|0x1000|crashcaptest_leaf|0x4");
        for (int i = 0; i < 21_844; i++) {
            String offset = i == 0 ? "0x9" : "0x15"; // the innermost frame is at another place in the function
            lines.add("frame|native|0x7f0010001515|/tmp/libcrashcaptest.so|0x1515|crashcaptest_recurse|" + offset);
        }
        lines.add("frame|native|0x7f0010001600|/tmp/libcrashcaptest.so|0x1600|Java_dev_crashcap_testapp_Crasher_recurseForever|0x10");
        lines.addAll(List.of("unwind.stop|no-module", "frame|java|dev.crashcap.testapp.Crasher|recurseForever|native",
                "section|end", "end|complete"));
        String report = HumanReport.render(Samples.parseLines(lines.toArray(String[]::new)), null);
        assertTrue(report.contains("\n  #0  0x00007f0010001000 in crashcaptest_leaf+0x4 (libcrashcaptest.so+0x1000)\n"
                + "  #1-#21844  crashcaptest_recurse (libcrashcaptest.so) ×21,844\n"
                + "  #21845  0x00007f0010001600 in Java_dev_crashcap_testapp_Crasher_recurseForever+0x10"), report);
        assertTrue(report.contains("crashcaptest_recurse recursed 21,844 times on thread \"crash-worker\" (stack 1 MiB)"));
        assertTrue(report.contains("stack mapping: 0x00007f3a0c900000 - 0x00007f3a0ca00000 (1 MiB), 1020 KiB in use (sp 0x7f3a0c901000)"));
        assertTrue(report.lines().count() < 100, "thousands of frames, a short report");
    }

    @Test
    void shortRunsAreNotFoldedAndCyclesAre() throws Exception {
        List<String> lines = new ArrayList<>(List.of("crashcap-capture|1", "section|thread", "tid|1", "crashed|1"));
        for (int i = 0; i < 3; i++) {
            lines.add("frame|native|0x7f0010001000|/opt/libx.so|0x1000|three|0x4");
        }
        for (int i = 0; i < 5; i++) {
            lines.add("frame|native|0x7f0010002000|/opt/libx.so|0x2000|ping|0x4");
            lines.add("frame|native|0x7f0010003000|/opt/libx.so|0x3000|pong|0x4");
        }
        lines.add("frame|java|a.B|run|7");
        String report = HumanReport.render(Samples.parseLines(lines.toArray(String[]::new)), null);
        assertTrue(report.contains("  #0  0x00007f0010001000 in three+0x4 (libx.so+0x1000)\n"
                + "  #1  0x00007f0010001000 in three+0x4 (libx.so+0x1000)\n"
                + "  #2  0x00007f0010001000 in three+0x4 (libx.so+0x1000)\n"
                + "  #3-#12  (ping (libx.so) → pong (libx.so)) ×5\n"
                + "  (the stack may be incomplete: the capture ends before the walk did)\n"
                + "  #13  at a.B.run(line 7)\n"), report);
    }

    @Test
    void everyThreadWithItsStatesAndIdenticalStacksOnce() throws Exception {
        String report = HumanReport.render(Samples.parse(Samples.THREADS), null);
        assertTrue(report.contains("CRASHING THREAD \"crash-worker\" (tid 7010, Java thread, RUNNABLE, kernel R running, "
                + "crashed)\n"), report);
        assertTrue(report.contains("  #4  0x00007f3a2c101215 in Java_dev_crashcap_testapp_Crasher_crash+0x15 "
                + "(libcrashcaptest.so+0x1215)\n  (native walk stopped: no-module, the caller is in no loaded module: "
                + "interpreted or JIT-compiled Java code)\n  #5  at dev.crashcap.testapp.Crasher.crash(Native Method)\n"
                + "  #6  at dev.crashcap.testapp.ThreadsApp.crashHere(line 140)\n"), report);
        assertTrue(report.contains("  8 threads in the process, 5 answered within the 500 ms deadline; captured in "
                + "4.3 ms (signal to bundle on disk)\n"), report);
        assertTrue(report.contains("  \"cc-native\" (tid 7012, native thread, kernel S sleeping)\n"), report);
        assertTrue(report.contains("  2 threads with the same stack (Java threads, WAITING, kernel S sleeping):\n"
                + "    \"extra-0\" (tid 7013), \"extra-1\" (tid 7014)\n    #0  "), report);
        assertEquals(1, report.split("Parker::park\\(bool, long\\)", -1).length - 1, "the shared stack is printed once");
        assertFalse(report.contains("_ZN6Parker4parkEbl"), "C++ names demangled (binutils' c++filt)");
        assertTrue(report.contains("  \"signal-blocker\" (tid 7015, native thread, kernel D waiting in the kernel, "
                + "uninterruptible)\n    missing: no answer within the deadline (signals blocked or stuck in the "
                + "kernel)\n"), report);
        assertEquals(1, report.split("registers:", -1).length - 1, "registers only for the crashing thread");
    }

    @Test
    void threadsThatCrashedTooAreNamedAtTheTopAndShownFirst() throws Exception {
        String report = HumanReport.render(Samples.parse(Samples.THREADS), null);
        assertTrue(report.contains("  also crashed:      \"crash-worker-2\" (tid 7016): SIGSEGV (SEGV_MAPERR) at 0x10\n"),
                report);
        int others = report.indexOf("OTHER THREADS (7)");
        int second = report.indexOf("\"crash-worker-2\" (tid 7016, Java thread, RUNNABLE, kernel R running, crashed)\n"
                + "    crashed too: SIGSEGV (SEGV_MAPERR) at 0x10\n    #0  0x00007f3a2c1011a9 in crashcaptest_write_null");
        assertTrue(others > 0 && second > others && second < report.indexOf("\"main\" (tid 7000"), report);
    }

    @Test
    void manyIdenticalThreadsStayShort() throws Exception {
        List<String> lines = new ArrayList<>(List.of("crashcap-capture|1", "section|thread", "tid|1", "crashed|1"));
        for (int i = 0; i < 5000; i++) {
            lines.addAll(List.of("section|thread", "tid|" + (100 + i), "name|extra-" + i, "java|1", "state|WAITING",
                    // each thread's frames at its own stack addresses: the same stack all the same
                    "kstate|S", "frame|native|0x7f0010001000|/lib/libc.so.6|0x1000|futex_wait|0x4|1|0x"
                            + Long.toHexString(0x7e0000001000L + 0x100000L * i),
                    "frame|java|dev.crashcap.testapp.ThreadsApp|parkHere|50||interpreted|3|0x"
                            + Long.toHexString(0x7e0000002000L + 0x100000L * i) + "|0x800",
                    "unwind.stop|no-module"));
        }
        String report = HumanReport.render(Samples.parseLines(lines.toArray(String[]::new)), null);
        assertTrue(report.contains("  5,000 threads with the same stack (Java threads, WAITING, kernel S sleeping):\n"
                + "    \"extra-0\" (tid 100), \"extra-1\" (tid 101),"), report.substring(0, 3000));
        assertTrue(report.contains("\"extra-4999\" (tid 5099)\n"));
        assertTrue(report.lines().allMatch(line -> line.length() <= 120), "names are wrapped");
        assertEquals(1, report.split("futex_wait", -1).length - 1, "the stack once for 5,000 threads");
        assertTrue(report.lines().count() < 1500, "names wrapped, ~4 a line: " + report.lines().count());
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
    void aCrashInJitCodeNamesTheCompiledMethod() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|crash", "signal.number|11",
                "signal.name|SIGSEGV", "signal.address|0x0", "section|thread", "tid|1", "crashed|1",
                "frame|native|0x7f0099990000||||", "unwind.stop|no-module", "section|java-frames", "tid|1",
                "frame|java|La/B;|poke|12", "section|modules", "module|0x7f0010000000|0x10000||/opt/lib/libfoo.so",
                "section|end", "end|complete");
        String report = HumanReport.render(bundle, null);
        assertTrue(report.contains("problematic frame: 0x7f0099990000 (no module), in JIT-compiled a.B.poke\n"), report);
    }

    @Test
    void controlCharactersNeverReachTheTerminal() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|header", "env|EVIL|\u001b[31mred\\nline",
                "section|thread", "tid|1", "name|\u001b]0;title\u0007", "section|end", "end|complete");
        String report = HumanReport.render(bundle, null, true); // EVIL is shown with --env
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
