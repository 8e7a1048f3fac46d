package dev.crashcap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HotSpot's message for a fatal error that was no signal, from the head of hs_err, in the shapes HotSpot writes. */
class JvmErrorLineTest {
    @TempDir
    Path dir;

    private String of(String head) throws IOException {
        Path hsErr = dir.resolve("hs_err_pid1.log");
        Files.writeString(hsErr, "#\n# A fatal error has been detected by the Java Runtime Environment:\n#\n" + head
                + "#\n# JRE version: OpenJDK Runtime Environment (17.0.15+6)\n");
        return JvmErrorLine.of(hsErr.toString());
    }

    @Test
    void anOutOfMemoryErrorWithCrashOnOutOfMemoryError() throws IOException {
        assertEquals("fatal error: OutOfMemory encountered: Java heap space (Internal Error at debug.cpp:362)",
                of("#  Internal Error (debug.cpp:362), pid=28981, tid=29000\n#  fatal error: OutOfMemory encountered: "
                        + "Java heap space\n"));
    }

    @Test
    void aFailedGuarantee() throws IOException {
        assertEquals("guarantee(n > 0) failed: bad count (Internal Error at thread.cpp:101)",
                of("#  Internal Error (thread.cpp:101), pid=7, tid=8\n#  guarantee(n > 0) failed: bad count\n"));
    }

    @Test
    void nativeMemoryExhaustedHasNoMessageLineAfterItsHeader() throws IOException {
        assertEquals("Out of Memory Error at os_linux.cpp:2749", of("# There is insufficient memory for the Java "
                + "Runtime Environment to continue.\n#  Out of Memory Error (os_linux.cpp:2749), pid=5, tid=6\n#\n"));
    }

    @Test
    void aCrashByASignalHasNone() throws IOException {
        assertNull(of("#  SIGSEGV (0xb) at pc=0x00007f52ec11b4f9, pid=9510, tid=9597\n"));
        assertNull(JvmErrorLine.of(null), "no hs_err");
        assertNull(JvmErrorLine.of(dir.resolve("missing.log").toString()), "an hs_err that cannot be read");
    }
}
