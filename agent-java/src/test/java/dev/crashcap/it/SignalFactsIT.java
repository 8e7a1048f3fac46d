package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.JsonReader;
import dev.crashcap.testapp.Crasher;
import dev.crashcap.testapp.OracleShapes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the signal says about a crash, and only that (issue 9, defects 7 and 8): a fault address only for a fault the
 * kernel gives one for, no "address" that is really a sender's pid (abort) or a zero standing for "no address" (a
 * general-protection fault); and the crashing thread's Java state, which the capture records.
 */
class SignalFactsIT {
    @TempDir
    Path work;

    @Test
    void anAbortHasASenderAndNoAddress() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.Result jvm = TestJvm.crashWithAgent(work, bundles, List.of(), Map.of(), Crasher.class.getName(), "abort");
        Path bundle = Inspect.onlyBundle(bundles);
        Map<String, Object> json = Inspect.json(work, bundle);
        assertEquals("SIGABRT", JsonReader.get(json, "signal.name"));
        assertEquals("SI_TKILL", JsonReader.get(json, "signal.code"));
        assertEquals(jvm.pid(), JsonReader.get(json, "signal.senderPid"), "abort() is the process signalling itself");
        assertNull(JsonReader.get(json, "signal.address"), "si_addr of a signal sent by tgkill is no address");
        assertNull(JsonReader.get(json, "crashingThread.signal.address"));
        assertFalse(Files.readString(bundle.resolve("capture.txt")).contains("signal.address"),
                "the capture writes no address for a signal a process sent");
        TestJvm.Result report = TestJvm.cli(work, "inspect", bundle.toString());
        assertEquals(0, report.exitCode(), report.stderr());
        assertFalse(report.stdout().contains("address 0x" + Long.toHexString(jvm.pid())), report.stdout());
        assertTrue(report.stdout().contains("sent by pid " + jvm.pid()), report.stdout());
    }

    @Test
    void aGeneralProtectionFaultIsNotANullPointer() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.Result jvm = TestJvm.crashWithAgent(work, bundles, List.of(), Map.of(), OracleShapes.class.getName(), "gp");
        assertNotEquals(0, jvm.exitCode());
        Map<String, Object> json = Inspect.json(work, Inspect.onlyBundle(bundles));
        assertEquals("SIGSEGV", JsonReader.get(json, "signal.name"));
        assertEquals("SI_KERNEL", JsonReader.get(json, "signal.code"), "a non-canonical address: no page fault");
        assertNull(JsonReader.get(json, "signal.address"), "the kernel gives no fault address (si_addr is 0)");
        assertFalse(Inspect.object(json, "signal").containsKey("senderPid"), "no process sent it");
        String summary = (String) JsonReader.get(json, "diagnosis.summary");
        assertFalse(summary.contains("null pointer"), summary);
        assertFalse(summary.contains("address 0x0"), summary);
        assertTrue(summary.contains("general protection"), summary);
        assertTrue(summary.contains("oracle_general_protection"), summary);

        Map<String, Object> thread = Inspect.object(json, "crashingThread");
        assertEquals(OracleShapes.GP_THREAD, thread.get("name"));
        assertNull(JsonReader.get(thread, "signal.address"));
        assertTrue(Inspect.object(thread, "registers").containsValue("0x4141414141414141"),
                "the bad pointer is in a register: " + thread.get("registers"));
        assertEquals("oracle_general_protection", Inspect.objects(thread, "frames").get(0).get("function"));
    }

    @Test
    void theCrashingThreadHasItsJavaState() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.crashWithAgent(work, bundles, List.of(), Map.of(), Crasher.class.getName(), "segv");
        Path bundle = Inspect.onlyBundle(bundles);
        // Read by the handler, not the resolver: in the crashing thread's own section, written before the resolver
        // is even asked (under load the resolver can miss its deadline, and its answer comes in java-frames).
        String capture = Files.readString(bundle.resolve("capture.txt"));
        String crashingSection = capture.substring(capture.indexOf("\nsection\tthread\n"),
                capture.indexOf("\nsection\tthreads\n"));
        assertTrue(crashingSection.contains("\nstate\tRUNNABLE\nstate.source\thandler\n"),
                "the crashing thread's section has its state from the handler: " + crashingSection);
        Map<String, Object> json = Inspect.json(work, bundle);
        assertEquals(Crasher.THREAD_NAME, JsonReader.get(json, "crashingThread.name"));
        assertEquals("RUNNABLE", JsonReader.get(json, "crashingThread.state"), "in a JNI call: RUNNABLE");
        assertEquals("handler", JsonReader.get(json, "crashingThread.stateSource"));
        assertEquals("0x0", JsonReader.get(json, "signal.address"), "a real fault keeps its address, even 0");
    }
}
