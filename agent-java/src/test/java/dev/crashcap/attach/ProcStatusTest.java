package dev.crashcap.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcStatusTest {
    static final String JVM_IN_CONTAINER = """
            Name:\tjava
            State:\tS (sleeping)
            Tgid:\t4242
            Pid:\t4242
            Uid:\t1000\t1001\t1001\t1001
            Gid:\t2000\t2002\t2002\t2002
            NSpid:\t4242\t7
            SigIgn:\t0000000000000000
            SigCgt:\t2000000181005ccf
            """;

    @Test
    void effectiveIdsNamespacePidAndSigquit() {
        ProcStatus status = ProcStatus.parse(JVM_IN_CONTAINER, 4242);
        assertEquals(new ProcStatus(1001, 2002, 7, true), status);
        assertFalse(status.isRoot());
    }

    @Test
    void aProcessThatDoesNotCatchSigquit() {
        String sleep = "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nSigCgt:\t0000000000000000\n";
        ProcStatus status = ProcStatus.parse(sleep, 99);
        assertFalse(status.catchesSigquit());
        assertEquals(99, status.namespacePid(), "no NSpid line (old kernels): the pid itself");
        assertTrue(status.isRoot());
    }

    @Test
    void onlyBitThreeIsSigquit() {
        assertTrue(ProcStatus.parse("SigCgt:\t0000000000000004\n", 1).catchesSigquit());
        assertFalse(ProcStatus.parse("SigCgt:\tfffffffffffffffb\n", 1).catchesSigquit());
    }
}
