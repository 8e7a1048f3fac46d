package dev.crashcap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.JsonReader;
import dev.crashcap.bundle.Samples;
import dev.crashcap.bundle.ThreadInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a signal tells, and only that: a fault address only where the kernel reported one (issue 9, defect 7), and the
 * crashing thread's Java state, which the capture writes in its java-frames section (defect 8).
 */
class SignalFactsTest {

    @Test
    void theCrashingThreadHasTheJavaStateTheCaptureRecorded() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|crash", "signal.number|11",
                "signal.name|SIGSEGV", "signal.code|1", "signal.codeName|SEGV_MAPERR", "signal.address|0x0",
                "thread.tid|7", "section|thread", "tid|7", "name|worker", "java|1", "crashed|1",
                "frame|native|0x7f0010001000|/opt/lib/libfoo.so|0x1000|foo|0x10", "unwind.stop|no-module",
                "section|threads", "threads.total|1", "threads.answered|0", "section|java-frames", "tid|7",
                "state|RUNNABLE", "frame|java|Lcom/acme/Foo;|bar|native", "section|end", "end|complete");
        assertEquals("RUNNABLE", bundle.crashingThread().state());
        Map<String, Object> json = json(bundle);
        assertEquals("RUNNABLE", JsonReader.get(json, "crashingThread.state"));
    }

    @Test
    void anAbortHasNoFaultAddressOnlyItsSender() throws Exception {
        // What the handler wrote before the fix: si_addr of a signal sent by tgkill holds the sender's pid and uid.
        Bundle bundle = Samples.parseLines(crash("6", "SIGABRT", "-6", "SI_TKILL", "0x2370", "signal.senderPid|9072"));
        assertNull(bundle.crash().signalAddress(), "SI_TKILL carries no address");
        Map<String, Object> json = json(bundle);
        assertNull(JsonReader.get(json, "signal.address"));
        assertEquals(9072L, JsonReader.get(json, "signal.senderPid"));
        String report = HumanReport.render(bundle, null);
        assertFalse(report.contains("0x2370"), report);
        assertTrue(report.contains("sent by pid 9072"), report);
    }

    @Test
    void aGeneralProtectionFaultHasNoAddressAndIsNotANullPointer() throws Exception {
        // A non-canonical pointer (0x4141414141414141): the kernel sends SIGSEGV with SI_KERNEL and si_addr 0.
        Bundle bundle = Samples.parseLines(crash("11", "SIGSEGV", "128", "SI_KERNEL", "0x0"));
        assertNull(bundle.crash().signalAddress());
        Map<String, Object> json = json(bundle);
        assertNull(JsonReader.get(json, "signal.address"));
        assertNull(JsonReader.get(json, "crashingThread.signal.address"));
        String summary = Diagnosis.of(bundle).summary();
        assertFalse(summary.contains("null pointer"), summary);
        assertFalse(summary.contains("address 0x0"), summary);
        assertTrue(summary.contains("general protection"), summary);
        String report = HumanReport.render(bundle, null);
        assertFalse(report.contains("address 0x0"), report);
    }

    @Test
    void aGeneralProtectionFaultOnAnotherThreadHasNoAddressEither() throws Exception {
        List<String> lines = new ArrayList<>(List.of(crash("11", "SIGSEGV", "1", "SEGV_MAPERR", "0x10")));
        lines.remove(lines.size() - 1);
        lines.remove(lines.size() - 1);
        lines.addAll(List.of("section|thread", "tid|8", "crashed|1", "signal.number|11", "signal.name|SIGSEGV",
                "signal.code|128", "signal.codeName|SI_KERNEL", "signal.address|0x0", "section|end", "end|complete"));
        Bundle bundle = Samples.parseLines(lines.toArray(String[]::new));
        ThreadInfo other = bundle.threads().stream().filter(t -> Long.valueOf(8).equals(t.tid())).findFirst().orElseThrow();
        assertNull(other.signal().address());
        assertEquals(0x10L, bundle.crash().signalAddress(), "a real fault keeps its address");
    }

    @Test
    void realFaultsKeepTheirAddressEvenZero() throws Exception {
        for (String[] signal : List.of(new String[] {"11", "SIGSEGV", "1", "SEGV_MAPERR"},
                new String[] {"7", "SIGBUS", "2", "BUS_ADRERR"}, new String[] {"8", "SIGFPE", "1", "FPE_INTDIV"},
                new String[] {"4", "SIGILL", "2", "ILL_ILLOPN"})) {
            Bundle bundle = Samples.parseLines(crash(signal[0], signal[1], signal[2], signal[3], "0x0"));
            assertEquals(0L, bundle.crash().signalAddress(), signal[1]);
            assertEquals("0x0", JsonReader.get(json(bundle), "signal.address"), signal[1]);
        }
        Bundle kill = Samples.parseLines(crash("11", "SIGSEGV", "0", "SI_USER", "0x2370", "signal.senderPid|9072"));
        assertNull(kill.crash().signalAddress(), "kill -SEGV: sent, not a fault");
    }

    private static String[] crash(String number, String name, String code, String codeName, String address,
                                  String... more) {
        List<String> lines = new ArrayList<>(List.of("crashcap-capture|1", "section|crash", "signal.number|" + number,
                "signal.name|" + name, "signal.code|" + code, "signal.codeName|" + codeName, "signal.address|" + address));
        lines.addAll(List.of(more));
        lines.addAll(List.of("thread.tid|7", "section|thread", "tid|7", "name|worker", "java|1", "crashed|1",
                "frame|native|0x7f0010001000|/opt/lib/libfoo.so|0x1000|foo|0x10", "section|end", "end|complete"));
        return lines.toArray(String[]::new);
    }

    private static Map<String, Object> json(Bundle bundle) {
        return JsonReader.object(Json.write(BundleJson.inspect(bundle, null)));
    }
}
