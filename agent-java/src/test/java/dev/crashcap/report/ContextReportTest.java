package dev.crashcap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.JsonReader;
import dev.crashcap.bundle.Samples;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The context sections of a capture, read and shown: flags, heap, registers, stack and pc bytes, environment. */
class ContextReportTest {
    private static final String PC_BYTES = "00".repeat(60) + "f30f1efa" + "893c2500000000" + "00".repeat(57);

    private static Bundle sample() throws Exception {
        return Samples.parseLines("crashcap-capture|1", "section|header", "os.arch|amd64",
                "jvm.info|mixed mode, sharing", "env|PATH|/usr/bin", "env|JAVA_TOOL_OPTIONS|-Xss2m",
                "env|MY_DB_PASSWORD|<redacted>", "env|EDITOR|vi", "env|LC_ALL|C.UTF-8", "env|URL|https://u:<redacted>@h/",
                "section|crash", "signal.number|11", "signal.name|SIGSEGV", "signal.address|0x0", "thread.tid|7",
                "section|thread", "tid|7", "name|worker", "java|1", "crashed|1", "hotspotState|_thread_in_native",
                "reg|rax|0x0", "reg|rbx|0x7f0010001234", "reg|rsp|0x7ffc0000ff00", "reg|rip|0x7f0010001040",
                "reg|rcx|0x6c0000010", "reg|rdx|0x5555deadbe00", "reg|rsi|0x7f0020000100", "reg|rdi|0x10", "reg|r15|0x7f0020000800",
                "reg|eflags|0x10246", "stack|0x7ffc00000000|0x7ffc00010000", "stack.sp|0x7ffc0000ff00",
                "frame|native|0x7f0010001040|/opt/lib/libfoo.so|0x1040|foo_crash|0x4|1", "unwind.stop|end",
                "section|modules", "module|0x7f0010000000|0x10000||/opt/lib/libfoo.so",
                "section|crash-memory", "memory|stack|0x7ffc0000ff00|0x7ffc0000ff00|" + "0102030405060708" + "1112131415161718",
                "memory|pc|0x7f0010001040|0x7f0010001000|" + PC_BYTES,
                "mapping|rdx|0x5555deadb000|0x5555deafc000|rw-|[heap]",
                "mapping|rsi|0x7f0020000000|0x7f0024000000|rwx|", "mapping|r15|0x7f0020000000|0x7f0024000000|rwx|",
                "thread|r15|7",
                "section|vm", "flags.count|1270",
                "flag|UseSerialGC|bool|product|command line|true", "flag|UseG1GC|bool|product|default|false",
                "flag|UseCompiler|bool|product|default|true", "flag|UseInterpreter|bool|product|default|true",
                "flag|TieredCompilation|bool|product|default|true", "flag|UseCompressedOops|bool|product|ergonomic|true",
                "flag|MaxHeapSize|size_t|product|command line|268435456",
                "flag|G1ConcMarkStepDurationMillis|double|product|ergonomic|0x4024000000000000",
                "flag|OnError|ccstrlist|product|command line|curl https://admin:hunter2@example.com/x",
                "flag|THPStackMitigation|bool|diagnostic|ergonomic|false",
                "heap.reserved|0x6c0000000|0x10000000",
                "section|host", "uname.release|6.1.0", "uname.nodename|box", "libc.version|2.36",
                "file|/proc/meminfo|MemTotal:       2048 kB\\nMemAvailable:   1024 kB\\n",
                "section|end", "end|complete");
    }

    @Test
    void theCaptureSectionsAreRead() throws Exception {
        Bundle bundle = sample();
        assertEquals(10, bundle.context().flags().size());
        assertEquals("10.000000", bundle.context().flag("G1ConcMarkStepDurationMillis").value(), "a double's bits");
        assertFalse(bundle.context().flag("OnError").value().contains("hunter2"), "redacted by value");
        assertEquals(0x6c0000000L, bundle.context().heapStart());
        assertEquals(128, bundle.context().memory("pc").bytes().length);
        assertEquals("mixed mode, sharing", bundle.context().jvmInfo());
        assertTrue(bundle.warnings().isEmpty(), bundle.warnings().toString());
    }

    @Test
    void theHumanReportShowsContextAndMemory() throws Exception {
        String report = HumanReport.render(sample(), null);
        assertTrue(report.indexOf("\nCONTEXT\n") > report.indexOf("\nCRASHING THREAD"), report);
        assertTrue(report.indexOf("\nMEMORY AT THE CRASH\n") < report.indexOf("\nPROCESS\n"), report);
        assertTrue(report.contains("thread state:      _thread_in_native (running native code"), report);
        assertTrue(report.contains("VM:                mixed mode, sharing, tiered, compressed oops, serial gc\n"), report);
        assertTrue(report.contains("heap:              max 256 MiB; reserved at 0x00000006c0000000 (256 MiB)\n"), report);
        assertTrue(report.contains("-XX flags not at their default (6 of 1,270)"), report);
        assertTrue(report.contains("    -XX:+UseSerialGC "), report);
        assertTrue(report.contains("    -XX:-THPStackMitigation                            ergonomic, diagnostic\n"), report);
        assertFalse(report.contains("-XX:-UseG1GC"), "a flag at its default is not listed");
        assertTrue(report.contains("       rax=0x0000000000000000  null\n"), report);
        assertTrue(report.contains("       rbx=0x00007f0010001234  libfoo.so+0x1234\n"), report);
        assertTrue(report.contains("       rsp=0x00007ffc0000ff00  the crashing thread's stack, sp+0x0\n"), report);
        assertTrue(report.contains("       rcx=0x00000006c0000010  the Java heap (+0x10)\n"), report);
        assertTrue(report.contains("       rdx=0x00005555deadbe00  the native heap (malloc) (rw-)\n"), report);
        assertTrue(report.contains("       rsi=0x00007f0020000100  anonymous memory (rwx), 64 MiB at 0x7f0020000000: "
                + "generated code (JIT?)\n"), report);
        assertTrue(report.contains("       rdi=0x0000000000000010  no mapped memory\n"), report);
        assertTrue(report.contains("       r15=0x00007f0020000800  the JavaThread of \"worker\" (tid 7)\n"), report);
        String memory = report.substring(report.indexOf("\nMEMORY AT THE CRASH\n"));
        assertFalse(memory.contains("eflags=0x"), "flags are no address");
        assertTrue(report.contains("    0x00007ffc0000ff00:  0807060504030201 1817161514131211\n"), report);
        assertTrue(report.contains("    0x00007f0010001030:  00 00 00 00 00 00 00 00 00 00 00 00 f3 0f 1e fa\n"
                + "    0x00007f0010001040: [89]3c 25 00 00 00 00 00 00 00 00 00 00 00 00 00\n"), report);
        assertTrue(report.contains("objdump -D -b binary -mi386:x86-64 --adjust-vma=0x7f0010001000 code.bin"), report);
        assertTrue(report.contains("host:              box, Linux 6.1.0, glibc 2.36\n"), report);
    }

    @Test
    void theEnvironmentShownByDefault() throws Exception {
        String report = HumanReport.render(sample(), null);
        String environment = report.substring(report.indexOf("\nENVIRONMENT ("));
        assertTrue(environment.startsWith("\nENVIRONMENT (5 of 6: "), environment);
        for (String shown : List.of("PATH=/usr/bin", "JAVA_TOOL_OPTIONS=-Xss2m", "MY_DB_PASSWORD=<redacted>",
                "LC_ALL=C.UTF-8", "URL=https://u:<redacted>@h/")) {
            assertTrue(environment.contains("\n  " + shown + "\n"), shown + " in " + environment);
        }
        assertFalse(environment.contains("EDITOR"), environment);
        assertTrue(HumanReport.render(sample(), null, true).contains("\n  EDITOR=vi\n"));
    }

    @Test
    void theJson() throws Exception {
        Map<String, Object> json = JsonReader.object(Json.write(BundleJson.inspect(sample(), null)));
        assertEquals("serial gc", JsonReader.get(json, "context.vm.gc"));
        assertEquals(true, JsonReader.get(json, "context.vm.sharing"), "from java.vm.info");
        assertEquals(268435456L, JsonReader.get(json, "context.vm.heap.maxBytes"));
        assertEquals("0x6c0000000", JsonReader.get(json, "context.vm.heap.reservedAddress"));
        List<Object> flags = (List<Object>) JsonReader.get(json, "context.vm.flags");
        assertEquals(6, flags.size());
        assertEquals("-XX:MaxHeapSize=268435456", JsonReader.get(flags.get(2), "option"));
        assertEquals(2048L * 1024, JsonReader.get(json, "context.host.memoryTotalBytes"));
        assertEquals(64L, JsonReader.get(json, "context.memory.instructions.before"));
        assertEquals("0x7f0010001040", JsonReader.get(json, "context.memory.instructions.pc"));
        List<Object> registers = (List<Object>) JsonReader.get(json, "context.memory.registers");
        assertEquals("java-heap", JsonReader.get(registers.get(4), "kind"));
        assertNull(JsonReader.get(json, "context.host.cgroup"));
    }

    @Test
    void aRealCapturesContext() throws Exception {
        Bundle bundle = Samples.parse(Samples.CONTEXT);
        assertTrue(bundle.warnings().isEmpty(), bundle.warnings().toString());
        assertEquals("mixed mode, sharing, tiered, compressed oops, compressed class ptrs, g1 gc",
                VmSummary.of(bundle.context()).line());
        assertEquals("v1", HostSummary.of(bundle.context(), bundle.header()).cgroup().version());
        String report = HumanReport.render(bundle, null);
        assertTrue(report.contains("-XX:ErrorFile=/work/app/hs_err.log"), report);
    }

    @Test
    void aCaptureWithoutContext() throws Exception {
        Bundle bundle = Samples.parse(Samples.SEGV);
        assertTrue(bundle.context().isEmpty());
        String report = HumanReport.render(bundle, null);
        assertTrue(report.contains("(this capture has no VM or host context"), report);
        Map<String, Object> json = JsonReader.object(Json.write(BundleJson.inspect(bundle, null)));
        assertNull(JsonReader.get(json, "context.vm.summary"));
        assertEquals(List.of(), JsonReader.get(json, "context.memory.registers"));
    }
}
