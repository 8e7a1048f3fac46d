package dev.crashcap.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The target's Java version read from outside (its JDK's release file), which spares a dump a round trip. */
class ReleaseVersionTest {
    @Test
    void theReleaseFileOfThisJvmsJdkSaysItsVersion() throws Exception {
        TargetProcess self = TargetProcess.open(ProcessHandle.current().pid());
        assertEquals(System.getProperty("java.specification.version"), self.releaseVersion());
    }

    @Test
    void specificationVersionsOfTheReleaseFilesFormats() {
        assertEquals("17", TargetProcess.specificationVersion("17.0.15"));
        assertEquals("25", TargetProcess.specificationVersion("25"));
        assertEquals("21", TargetProcess.specificationVersion("21-ea"));
        assertEquals("11", TargetProcess.specificationVersion("11.0.2"));
        assertEquals("1.8", TargetProcess.specificationVersion("1.8.0_292"));
        assertNull(TargetProcess.specificationVersion("unknown"));
    }
}
