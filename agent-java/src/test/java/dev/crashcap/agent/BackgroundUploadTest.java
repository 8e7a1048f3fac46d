package dev.crashcap.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The upload thread's start delay: 3 s unless -Dcrashcap.uploadDelayMillis says otherwise (tests set 0). */
class BackgroundUploadTest {
    @Test
    void startDelayIsThreeSecondsUnlessThePropertyGivesANumber() {
        assertEquals(3_000, BackgroundUpload.startDelayMillis(null));
        assertEquals(0, BackgroundUpload.startDelayMillis("0"));
        assertEquals(250, BackgroundUpload.startDelayMillis(" 250 "));
        assertEquals(0, BackgroundUpload.startDelayMillis("-5"));
        assertEquals(3_000, BackgroundUpload.startDelayMillis("soon"));
    }
}
