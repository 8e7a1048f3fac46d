package dev.crashcap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.crashcap.bundle.Bundle;
import dev.crashcap.bundle.Samples;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The signature rule (docs/bundle-format.md, "Crash signature"): what two runs of one crash have in common. */
class SignatureTest {
    private static final String LIBC = "/usr/lib/x86_64-linux-gnu/libc.so.6";
    private static final String JVM = "/usr/lib/jvm/java-17/lib/server/libjvm.so";
    private static final String CRASHCAP = "/tmp/crashcap-native-1/libcrashcap-0a1b2c.so";
    private static final String FOO = "/opt/app/lib/libfoo.so";

    @Test
    void noiseFramesAreLeftOut() throws Exception {
        Bundle bundle = Samples.parseLines(abort(frame(0x7f0010001000L, LIBC, 0x1000, "raise"),
                frame(0x7f0010002000L, LIBC, 0x2000, "abort"),
                frame(0x7f0020001000L, "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", 0x9000, "std::terminate()"),
                frame(0x7f0030001000L, CRASHCAP, 0x100, "crashcap_thread_start"),
                frame(0x7f0040001000L, FOO, 0x1234, "foo_check"), frame(0x7f0050001000L, JVM, 0x4321, "JVM_Foo"),
                frame(0x7f0040002000L, FOO, 0x2234, "foo_run"),
                "frame|java|com.example.Worker|step|41", "frame|java|com.example.Worker|run|12"));
        assertEquals("abort|SIGABRT|foo_check|foo_run|com.example.Worker.step", Signature.of(bundle));
    }

    @Test
    void addressesAndOffsetsAreLeftOut() throws Exception {
        // Two runs of one crash: ASLR moved every address, a rebuild of libfoo moved its offsets; frames without a
        // function name are their module.
        String one = Signature.of(Samples.parseLines(segv("0x0", frame(0x7f0040001000L, FOO, 0x1234, null),
                frame(0x7f0040002000L, FOO, 0x2234, "foo_run"), frame(0x7f0050001000L, JVM, 0x4321, null))));
        String two = Signature.of(Samples.parseLines(segv("0x0", frame(0x7fab40009000L, FOO, 0x1288, null),
                frame(0x7fab40003000L, FOO, 0x2290, "foo_run"), frame(0x7fab50001000L, JVM, 0x4400, null))));
        assertEquals("fault|SIGSEGV|libfoo.so|foo_run", one);
        assertEquals(one, two);
    }

    @Test
    void aDifferentCrashSiteIsADifferentSignature() throws Exception {
        String here = Signature.of(Samples.parseLines(segv("0x0", frame(0x7f0040001000L, FOO, 0x1234, "foo_check"),
                frame(0x7f0040002000L, FOO, 0x2234, "foo_run"))));
        String there = Signature.of(Samples.parseLines(segv("0x0", frame(0x7f0040001000L, FOO, 0x1234, "foo_parse"),
                frame(0x7f0040002000L, FOO, 0x2234, "foo_run"))));
        assertNotEquals(here, there);
        String otherSignal = Signature.of(Samples.parseLines(abort(frame(0x7f0040001000L, FOO, 0x1234, "foo_check"),
                frame(0x7f0040002000L, FOO, 0x2234, "foo_run"))));
        assertNotEquals(here, otherSignal);
    }

    @Test
    void aCrashInsideTheJvmIsNamedByItsJvmFramesAndRecursionCountsOnce() throws Exception {
        List<String> frames = new ArrayList<>(List.of(frame(0x7f0050001000L, JVM, 0x4321, "JVM_GC_Scan")));
        for (int i = 0; i < 5; i++) {
            frames.add(frame(0x7f0050002000L + i, JVM, 0x5000, "JVM_GC_Walk"));
        }
        frames.add(frame(0x7f0050003000L, JVM, 0x6000, null));
        frames.add(frame(0x7f0050004000L, JVM, 0x7000, "JVM_Later"));
        assertEquals("jvm-fault|SIGSEGV|JVM_GC_Scan|JVM_GC_Walk|libjvm.so",
                Signature.of(Samples.parseLines(segv("0x10", frames.toArray(String[]::new)))));
    }

    @Test
    void aGcCrashIsItsJvmFramesWithoutCrashcapsThreadStartHook() throws Exception {
        Bundle bundle = Samples.parseLines(segv("0x7f9653000007", frame(0x7f0050001000L, JVM, 0x4321, null),
                frame(0x7f0050002000L, JVM, 0x5321, null), frame(0x7f0030001000L, CRASHCAP, 0x100, null),
                frame(0x7f0010001000L, LIBC, 0x1000, "start_thread")));
        assertEquals("jvm-fault|SIGSEGV|libjvm.so|start_thread", Signature.of(bundle),
                "crashcap's own library (named by its content hash) is not part of any crash");
    }

    @Test
    void whatChangesBetweenRunsIsLeftOutOfNames() throws Exception {
        String one = Signature.of(Samples.parseLines(segv("0x10",
                frame(0x7f0040001000L, "/tmp/jna-1/jna7461979135913749799.tmp", 0x1234, null),
                "frame|java|com.example.Gen$$Lambda/0x0000000096050800|run|native")));
        String two = Signature.of(Samples.parseLines(segv("0x10",
                frame(0x7f0040001000L, "/tmp/jna-1/jna15306828692770959379.tmp", 0x1234, null),
                "frame|java|com.example.Gen$$Lambda/0x0000000800c03000|run|native")));
        assertEquals("fault|SIGSEGV|jna#.tmp|com.example.Gen$$Lambda.run", one);
        assertEquals(one, two);
    }

    @Test
    void aPcInNoModuleIsLeftOut() throws Exception {
        Bundle bundle = Samples.parseLines(segv("0x0", "frame|native|0x7f0099990000||||",
                "frame|java|com.example.Hot|loop|7"));
        assertEquals("fault|SIGSEGV|com.example.Hot.loop", Signature.of(bundle));
    }

    private static String frame(long pc, String module, long offset, String function) {
        return "frame|native|0x" + Long.toHexString(pc) + "|" + module + "|0x" + Long.toHexString(offset) + "|"
                + (function == null ? "|" : function + "|0x10");
    }

    private static String[] segv(String address, String... frames) {
        return capture(List.of("signal.number|11", "signal.name|SIGSEGV", "signal.codeName|SEGV_MAPERR",
                "signal.address|" + address), frames);
    }

    private static String[] abort(String... frames) {
        return capture(List.of("signal.number|6", "signal.name|SIGABRT", "signal.codeName|SI_TKILL"), frames);
    }

    private static String[] capture(List<String> signal, String... frames) {
        List<String> lines = new ArrayList<>(List.of("crashcap-capture|1", "section|crash"));
        lines.addAll(signal);
        lines.addAll(List.of("section|thread", "tid|1", "crashed|1"));
        lines.addAll(List.of(frames));
        lines.add("section|end");
        return lines.toArray(String[]::new);
    }
}
