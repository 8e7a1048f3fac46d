package dev.crashcap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Samples;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiagnosisTest {
    private static final String LIBC = "/usr/lib/x86_64-linux-gnu/libc.so.6";

    @Test
    void segvInALibraryIsAFaultBlamedOnThatLibrary() throws Exception {
        Diagnosis diagnosis = Diagnosis.of(Samples.parse(Samples.SEGV));
        assertEquals(Diagnosis.Kind.FAULT, diagnosis.kind());
        assertEquals("SIGSEGV (SEGV_MAPERR, address not mapped) at address 0x0 (a null pointer) in "
                + "crashcaptest_write_null+0x9 (libcrashcaptest.so)", diagnosis.summary());
        assertEquals("libcrashcaptest.so", diagnosis.suspectModule());
        assertEquals("/tmp/libcrashcaptest.so", diagnosis.suspectModulePath());
    }

    @Test
    void doubleFreeIsHeapCorruption() throws Exception {
        Diagnosis diagnosis = Diagnosis.of(Samples.parse(Samples.DOUBLE_FREE));
        assertEquals(Diagnosis.Kind.HEAP_CORRUPTION, diagnosis.kind());
        assertEquals("heap corruption: glibc stopped the process with \"free(): double free detected in tcache 2\""
                + ", called from crashcaptest_double_free+0x1d (libcrashcaptest.so)", diagnosis.summary());
        assertEquals("libcrashcaptest.so", diagnosis.suspectModule(), "libc frames are skipped");
    }

    @Test
    void heapWordsInTheAbortMessageAreEnough() throws Exception {
        for (String message : List.of("malloc(): unaligned tcache chunk detected", "corrupted size vs. prev_size",
                "realloc(): invalid pointer", "munmap_chunk(): invalid pointer", "free(): invalid size")) {
            Bundle bundle = Samples.parseLines(abortWith(message, frame("/opt/lib/libfoo.so", "foo")));
            assertEquals(Diagnosis.Kind.HEAP_CORRUPTION, Diagnosis.of(bundle).kind(), message);
        }
    }

    @Test
    void anAllocatorFrameInLibcIsEnoughWithoutAMessage() throws Exception {
        Bundle bundle = Samples.parseLines(abortWith(null, frame(LIBC, "abort"), frame(LIBC, "_int_malloc"),
                frame(LIBC, "malloc"), frame("/opt/lib/libfoo.so", "foo_alloc")));
        Diagnosis diagnosis = Diagnosis.of(bundle);
        assertEquals(Diagnosis.Kind.HEAP_CORRUPTION, diagnosis.kind());
        assertTrue(diagnosis.summary().contains("_int_malloc in libc.so.6"), diagnosis.summary());
        assertEquals("libfoo.so", diagnosis.suspectModule());
    }

    @Test
    void anAllocatorNameOutsideLibcDoesNotCount() throws Exception {
        Bundle bundle = Samples.parseLines(abortWith(null, frame(LIBC, "abort"), frame("/opt/lib/libpool.so", "free")));
        assertEquals(Diagnosis.Kind.ABORT, Diagnosis.of(bundle).kind());
    }

    @Test
    void otherAbortsAreAborts() throws Exception {
        Bundle bundle = Samples.parseLines(abortWith("java: check.c:12: check: Assertion `n > 0' failed.\\n",
                frame(LIBC, "abort"), frame(LIBC, "__assert_fail"), frame("/opt/lib/libfoo.so", "check")));
        Diagnosis diagnosis = Diagnosis.of(bundle);
        assertEquals(Diagnosis.Kind.ABORT, diagnosis.kind());
        assertEquals("abort() was called with \"java: check.c:12: check: Assertion `n > 0' failed.\", "
                + "called from check+0x10 (libfoo.so)", diagnosis.summary());
        assertFalse(diagnosis.summary().contains("\n"));
    }

    @Test
    void aSignalNumberWithoutANameStillCounts() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|crash", "signal.number|6");
        assertEquals(Diagnosis.Kind.ABORT, Diagnosis.of(bundle).kind());
        assertEquals("abort() was called", Diagnosis.of(bundle).summary());
    }

    @Test
    void aFaultAtTheEndOfTheStackIsAStackOverflow() throws Exception {
        Bundle bundle = Samples.parseLines(segvAt("0x7f3a0c8ff000", "stack|0x7f3a0c900000|0x7f3a0ca00000",
                frame("/opt/lib/libfoo.so", "recurse")));
        Diagnosis diagnosis = Diagnosis.of(bundle);
        assertEquals(Diagnosis.Kind.STACK_OVERFLOW, diagnosis.kind());
        assertEquals("stack overflow: the fault address 0x7f3a0c8ff000 is at the end of the stack of thread 1 "
                + "(0x7f3a0c900000-0x7f3a0ca00000, 1 MiB)", diagnosis.summary());
    }

    @Test
    void aFaultFarFromTheStackIsNot() throws Exception {
        Bundle below = Samples.parseLines(segvAt("0x7f3a0c8e0000", "stack|0x7f3a0c900000|0x7f3a0ca00000",
                frame("/opt/lib/libfoo.so", "f")));
        assertEquals(Diagnosis.Kind.FAULT, Diagnosis.of(below).kind());
        Bundle inside = Samples.parseLines(segvAt("0x7f3a0c9f0000", "stack|0x7f3a0c900000|0x7f3a0ca00000",
                frame("/opt/lib/libfoo.so", "f")));
        assertEquals(Diagnosis.Kind.FAULT, Diagnosis.of(inside).kind());
    }

    @Test
    void aDeepRepeatingStackIsAStackOverflow() throws Exception {
        List<String> lines = new ArrayList<>(List.of(segvAt("0x7f00dead0000", "unwind.stop|max-frames")));
        lines.add(lines.size() - 1, frame("/opt/lib/libfoo.so", "leaf"));
        for (int i = 0; i < 63; i++) {
            lines.add(lines.size() - 1, "frame|native|0x7f0010001234|/opt/lib/libfoo.so|0x1234|recurse|0x14");
        }
        Diagnosis diagnosis = Diagnosis.of(Samples.parseLines(lines.toArray(String[]::new)));
        assertEquals(Diagnosis.Kind.STACK_OVERFLOW, diagnosis.kind());
        assertEquals("stack overflow: recurse recursed at least 63 times on thread 1", diagnosis.summary(),
                "the walk stopped at its frame limit: the real depth is unknown");
    }

    @Test
    void unboundedRecursionInAJniCallNamesTheFunctionTheDepthAndTheStack() throws Exception {
        List<String> lines = new ArrayList<>(List.of(segvAt("0x7f3a0c8ffff8", "name|crash-worker",
                "stack|0x7f3a0c900000|0x7f3a0ca00000", "stack.sp|0x7f3a0c900010", "unwind.stop|no-module")));
        for (int i = 0; i < 21_844; i++) {
            lines.add(lines.size() - 1, "frame|native|0x7f3a2c101515|/tmp/libcrashcaptest.so|0x1515|crashcaptest_recurse|0x15");
        }
        lines.add(lines.size() - 1, frame("/tmp/libcrashcaptest.so", "Java_dev_crashcap_testapp_Crasher_recurseForever"));
        lines.add(lines.size() - 1, "frame|java|dev.crashcap.testapp.Crasher|recurseForever|native");
        Diagnosis diagnosis = Diagnosis.of(Samples.parseLines(lines.toArray(String[]::new)));
        assertEquals(Diagnosis.Kind.STACK_OVERFLOW, diagnosis.kind());
        assertEquals("stack overflow: crashcaptest_recurse recursed 21,844 times on thread \"crash-worker\" "
                + "(stack 1 MiB)", diagnosis.summary());
        assertEquals("libcrashcaptest.so", diagnosis.suspectModule());
    }

    @Test
    void aThousandFramesOfOneFunctionAreAnOverflowWhereverTheFaultIs() throws Exception {
        List<String> lines = new ArrayList<>(List.of(segvAt("0x7f00dead0000", "name|cc-overflow",
                "stack|0x7f3a0c900000|0x7f3a0c940000", "unwind.stop|end")));
        for (int i = 0; i < 1000; i++) {
            String offset = i % 2 == 0 ? "0x15" : "0x2a"; // two call sites in the same function
            lines.add(lines.size() - 1, "frame|native|0x7f3a2c101515|/tmp/libcrashcaptest.so|0x1515|crashcaptest_recurse|"
                    + offset);
        }
        lines.add(lines.size() - 1, frame(LIBC, "start_thread"));
        Diagnosis diagnosis = Diagnosis.of(Samples.parseLines(lines.toArray(String[]::new)));
        assertEquals(Diagnosis.Kind.STACK_OVERFLOW, diagnosis.kind());
        assertEquals("stack overflow: crashcaptest_recurse recursed 1,000 times on thread \"cc-overflow\" "
                + "(stack 256 KiB)", diagnosis.summary());
    }

    @Test
    void aDeepStackWithoutADominantFunctionIsNot() throws Exception {
        List<String> lines = new ArrayList<>(List.of(segvAt("0x7f00dead0000", "unwind.stop|end")));
        for (int i = 0; i < 1200; i++) {
            lines.add(lines.size() - 1, frame("/opt/lib/libfoo.so", "f" + (i % 3)));
        }
        assertEquals(Diagnosis.Kind.FAULT, Diagnosis.of(Samples.parseLines(lines.toArray(String[]::new))).kind());
    }

    @Test
    void aFaultAtTheEndOfTheStackNamesAClearRecursion() throws Exception {
        List<String> lines = new ArrayList<>(List.of(segvAt("0x7f3a0c8ff000", "name|w",
                "stack|0x7f3a0c900000|0x7f3a0c908000")));
        for (int i = 0; i < 40; i++) {
            lines.add(lines.size() - 1, frame("/opt/lib/libfoo.so", "walk"));
        }
        assertEquals("stack overflow: walk recursed 40 times on thread \"w\" (stack 32 KiB)",
                Diagnosis.of(Samples.parseLines(lines.toArray(String[]::new))).summary());
    }

    @Test
    void aShortRepeatingStackIsNot() throws Exception {
        List<String> lines = new ArrayList<>(List.of(segvAt("0x7f00dead0000", "unwind.stop|end")));
        for (int i = 0; i < 40; i++) {
            lines.add(lines.size() - 1, "frame|native|0x7f0010001234|/opt/lib/libfoo.so|0x1234|recurse|0x14");
        }
        assertEquals(Diagnosis.Kind.FAULT, Diagnosis.of(Samples.parseLines(lines.toArray(String[]::new))).kind());
    }

    @Test
    void aPcOutsideEveryModuleIsSaidToBeJitOrABadJump() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|crash", "signal.number|11",
                "signal.name|SIGSEGV", "signal.codeName|SEGV_MAPERR", "signal.address|0x10", "section|thread",
                "tid|1", "crashed|1", "reg|rip|0x7f0099990000", "frame|native|0x7f0099990000||||",
                "unwind.stop|no-module", "section|modules", "module|0x7f0010000000|0x10000||/opt/lib/libfoo.so",
                "section|end", "end|complete");
        Diagnosis diagnosis = Diagnosis.of(bundle);
        assertEquals(Diagnosis.Kind.FAULT, diagnosis.kind());
        assertEquals("SIGSEGV (SEGV_MAPERR, address not mapped) at address 0x10 (a null pointer) in code outside "
                + "any loaded module (JIT-compiled Java code or a bad jump)", diagnosis.summary());
        assertNull(diagnosis.suspectModule());
    }

    @Test
    void aFaultInCompiledJavaCodeNamesTheMethod() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|crash", "signal.number|11",
                "signal.name|SIGSEGV", "signal.codeName|SEGV_MAPERR", "signal.address|0x0", "thread.tid|1",
                "section|thread", "tid|1", "crashed|1", "reg|rip|0x7f0099990000", "frame|native|0x7f0099990000||||",
                "unwind.stop|no-module", "section|java-frames", "tid|1",
                "frame|java|Ldev/crashcap/testapp/ThreadsApp;|pokeHere|120",
                "frame|java|Ldev/crashcap/testapp/ThreadsApp;|jit|131", "section|modules",
                "module|0x7f0010000000|0x10000||/opt/lib/libfoo.so", "section|end", "end|complete");
        Diagnosis diagnosis = Diagnosis.of(bundle);
        assertEquals(Diagnosis.Kind.FAULT, diagnosis.kind());
        assertEquals("SIGSEGV (SEGV_MAPERR, address not mapped) at address 0x0 (a null pointer) in JIT-compiled Java "
                + "code, in dev.crashcap.testapp.ThreadsApp.pokeHere", diagnosis.summary());
        assertNull(diagnosis.suspectModule());
    }

    @Test
    void aBadJumpFromANativeMethodIsNotCalledJitCode() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|crash", "signal.number|11",
                "signal.name|SIGSEGV", "signal.address|0x7f0099990000", "section|thread", "tid|1", "crashed|1",
                "reg|rip|0x7f0099990000", "frame|native|0x7f0099990000||||", "frame|java|a.B|callback|native",
                "section|modules", "module|0x7f0010000000|0x10000||/opt/lib/libfoo.so", "section|end", "end|complete");
        assertTrue(Diagnosis.of(bundle).summary().endsWith(
                "in code outside any loaded module (JIT-compiled Java code or a bad jump)"), Diagnosis.of(bundle)::summary);
    }

    @Test
    void otherFaultSignalsAreFaults() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|crash", "signal.number|8",
                "signal.name|SIGFPE", "signal.codeName|FPE_INTDIV", "signal.address|0x7f0010001234",
                "section|thread", "tid|1", "crashed|1", frame("/opt/lib/libfoo.so", "divide"));
        Diagnosis diagnosis = Diagnosis.of(bundle);
        assertEquals(Diagnosis.Kind.FAULT, diagnosis.kind());
        assertEquals("SIGFPE (FPE_INTDIV, integer divide by zero) at address 0x7f0010001234 in divide+0x10 "
                + "(libfoo.so)", diagnosis.summary());
    }

    @Test
    void noSignalMeansUnknown() throws Exception {
        Bundle bundle = Samples.parseLines("crashcap-capture|1", "section|header", "process.pid|1");
        assertEquals(Diagnosis.Kind.UNKNOWN, Diagnosis.of(bundle).kind());
        assertNull(Diagnosis.of(bundle).suspectModule());
    }

    @Test
    void systemAndJvmModulesAreNeverSuspects() throws Exception {
        Bundle bundle = Samples.parseLines(segvAt("0x0", frame(LIBC, "memcpy"),
                frame("/tmp/crashcap-native-1/libcrashcap.so", "crashcap_handler"),
                frame("/usr/lib/jvm/x/lib/server/libjvm.so", "JVM_Foo"), frame("/usr/lib/libstdc++.so.6", "x")));
        assertNull(Diagnosis.of(bundle).suspectModule());
    }

    @Test
    void systemModuleNames() {
        for (String name : List.of("libc.so.6", "libc-2.31.so", "libpthread.so.0", "ld-linux-x86-64.so.2",
                "ld-linux-aarch64.so.1", "libdl.so.2", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "libjvm.so",
                "libjava.so", "libjli.so", "[vdso]", "libcrashcap.so", "libcrashcap-0.1.0.so")) {
            assertTrue(SystemModules.isSystem(name), name);
        }
        for (String name : List.of("libcrashcaptest.so", "libcurl.so.4", "libmylib.so", "libcapture.so",
                "libmagic.so.1", "libjavafx.so")) {
            assertFalse(SystemModules.isSystem(name), name);
        }
    }

    /** A SIGABRT capture whose crashing thread has these frame lines. */
    private static String[] abortWith(String message, String... frames) {
        List<String> lines = new ArrayList<>(List.of("crashcap-capture|1", "section|crash", "signal.number|6",
                "signal.name|SIGABRT", "signal.codeName|SI_TKILL"));
        if (message != null) {
            lines.add("abort.message|" + message);
        }
        lines.addAll(List.of("section|thread", "tid|1", "crashed|1"));
        lines.addAll(List.of(frames));
        lines.add("section|end");
        return lines.toArray(String[]::new);
    }

    /** A SIGSEGV capture at {@code address}; the crashing thread's lines follow, the last line is "section|end". */
    private static String[] segvAt(String address, String... threadLines) {
        List<String> lines = new ArrayList<>(List.of("crashcap-capture|1", "section|crash", "signal.number|11",
                "signal.name|SIGSEGV", "signal.codeName|SEGV_MAPERR", "signal.address|" + address,
                "section|thread", "tid|1", "crashed|1"));
        lines.addAll(List.of(threadLines));
        lines.add("section|end");
        return lines.toArray(String[]::new);
    }

    private static String frame(String module, String function) {
        return "frame|native|0x7f0010001000|" + module + "|0x1000|" + function + "|0x10";
    }
}
