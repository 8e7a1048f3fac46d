package dev.crashcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.attach.AttachFailure;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one table of exit codes: one number, one meaning, across every command. */
class ExitCodeTest {

    @Test
    void everyNumberHasOneMeaning() {
        Map<Integer, ExitCode> seen = new HashMap<>();
        for (ExitCode exitCode : ExitCode.values()) {
            ExitCode before = seen.put(exitCode.code(), exitCode);
            assertEquals(null, before, exitCode.code() + " is both " + before + " and " + exitCode);
        }
        assertEquals(0, ExitCode.OK.code());
        assertEquals(1, ExitCode.INTERNAL_ERROR.code());
        assertEquals(2, ExitCode.BAD_INPUT.code());
    }

    /** Scripts tell the ways attach and dump fail apart: each has its own code, none is success or a bug. */
    @Test
    void everyAttachFailureHasItsOwnCode() {
        Map<ExitCode, AttachFailure> seen = new HashMap<>();
        for (AttachFailure failure : AttachFailure.values()) {
            ExitCode exitCode = ExitCode.of(failure);
            assertEquals(null, seen.put(exitCode, failure), failure + " shares " + exitCode);
            assertTrue(exitCode != ExitCode.OK && exitCode != ExitCode.INTERNAL_ERROR, failure.toString());
        }
        assertEquals(ExitCode.BAD_INPUT, ExitCode.of(AttachFailure.BAD_INPUT));
    }

    /** The numbers scripts and README.md rely on: changing one is a breaking change, made here on purpose only. */
    @Test
    void theNumbersAreStable() {
        Map<String, Integer> expected = Map.ofEntries(Map.entry("OK", 0), Map.entry("INTERNAL_ERROR", 1),
                Map.entry("BAD_INPUT", 2), Map.entry("NO_SUCH_PROCESS", 3), Map.entry("NOT_A_JVM", 4),
                Map.entry("UNSUPPORTED_JVM", 5), Map.entry("ATTACH_DISABLED", 6), Map.entry("PERMISSION_DENIED", 7),
                Map.entry("TIMED_OUT", 8), Map.entry("AGENT_FAILED", 9), Map.entry("DUMP_FAILED", 10),
                Map.entry("STILL_PENDING", 11), Map.entry("REFUSED", 12), Map.entry("MISSING_MODULE", 13),
                Map.entry("NOT_ARMED", 14));
        Map<String, Integer> actual = new HashMap<>();
        for (ExitCode exitCode : ExitCode.values()) {
            actual.put(exitCode.name(), exitCode.code());
        }
        assertEquals(expected, actual);
    }
}
