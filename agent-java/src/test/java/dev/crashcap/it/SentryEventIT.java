package dev.crashcap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crashcap.bundle.BundleLocator;
import dev.crashcap.ship.SentryEvent;
import dev.crashcap.ship.SentryReader;
import dev.crashcap.symbols.DebugId;
import dev.crashcap.testapp.Crasher;
import io.sentry.protocol.DebugImage;
import io.sentry.protocol.SentryException;
import io.sentry.protocol.SentryStackFrame;
import io.sentry.protocol.SentryThread;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real JVM dies by SIGSEGV in libcrashcaptest.so with release, environment and in-app set as a team would, and the
 * Sentry event of its bundle is read back by Sentry's own deserializer: each rule of docs/ship.md's Sentry mapping
 * that a real crash can show.
 */
class SentryEventIT {
    @TempDir
    Path work;

    @Test
    void aRealCrashsEventGroupsAndSymbolicatesLikeSentryNatives() throws Exception {
        Path bundles = work.resolve("bundles");
        TestJvm.Result jvm = TestJvm.runWithAgentOptions(work,
                "dir=" + bundles + ",release=shop@1.4.2,in-app=com.example,dev.crashcap.testapp",
                List.of(), Map.of("SENTRY_ENVIRONMENT", "staging"), Crasher.class.getName(), "segv");
        assertNotEquals(0, jvm.exitCode(), jvm.stderr());
        Path bundle = Inspect.onlyBundle(bundles);
        io.sentry.SentryEvent event = new SentryReader().event(SentryEvent.of(BundleLocator.load(bundle),
                "0123456789abcdef0123456789abcdef", "0.1"));

        assertEquals("shop@1.4.2", event.getRelease(), "the agent option, recorded at arming");
        assertEquals("staging", event.getEnvironment(), "SENTRY_ENVIRONMENT, as Sentry's SDKs read it");
        assertEquals(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip(), event.getServerName());
        assertEquals(System.getProperty("os.version"), event.getContexts().getOperatingSystem().getKernelVersion());
        assertNotNull(event.getContexts().getOperatingSystem().getVersion());
        assertEquals("x86_64", event.getContexts().getDevice().getUnknown().get("arch"));

        SentryException exception = event.getExceptions().get(0);
        assertEquals("SIGSEGV", exception.getType());
        assertEquals("Segfault", exception.getValue());
        assertEquals("0x0", exception.getMechanism().getData().get("relevant_address"));
        SentryThread crashed = event.getThreads().stream().filter(t -> exception.getThreadId().equals(t.getId()))
                .findFirst().orElseThrow();
        assertEquals(Crasher.THREAD_NAME, crashed.getName());
        assertTrue(crashed.isCrashed());
        assertNull(crashed.getStacktrace(), "sent once, in the exception");

        List<SentryStackFrame> frames = exception.getStacktrace().getFrames();
        SentryStackFrame top = frames.get(frames.size() - 1);
        assertEquals("crashcaptest_write_null", top.getFunction());
        assertEquals(Boolean.TRUE, top.isInApp(), "a JNI library Crasher loaded: " + top.getPackage());
        assertNull(top.getImageAddr());
        SentryStackFrame crash = frames.stream().filter(f -> "crash".equals(f.getFunction())).findFirst().orElseThrow();
        assertEquals(Crasher.class.getName(), crash.getModule());
        assertEquals("Crasher.java", crash.getFilename());
        assertEquals(Boolean.TRUE, crash.isInApp(), "a named package");
        SentryStackFrame run = frames.stream().filter(f -> "java.lang.Thread".equals(f.getModule())).findFirst()
                .orElseThrow();
        assertEquals(Boolean.FALSE, run.isInApp());
        for (SentryStackFrame frame : frames) {
            if ("native".equals(frame.getPlatform()) && frame.getPackage() != null
                    && frame.getPackage().contains("/libjvm.so")) {
                assertEquals(Boolean.FALSE, frame.isInApp(), frame.getFunction());
            }
        }
        boolean libcSeen = false;
        for (SentryThread thread : event.getThreads()) {
            for (SentryStackFrame frame : thread.getStacktrace() == null ? List.<SentryStackFrame>of()
                    : thread.getStacktrace().getFrames()) {
                if (frame.getPackage() != null && frame.getPackage().contains("/libc.so")) {
                    assertEquals(Boolean.FALSE, frame.isInApp());
                    libcSeen = true;
                }
                assertTrue(frame.getPackage() != null || "java".equals(frame.getPlatform())
                        || (frame.getUnknown() != null && "context".equals(frame.getUnknown().get("trust"))), "a frame without a module says so: " + frame.getInstructionAddr());
            }
        }
        assertTrue(libcSeen, "some thread waits in libc");

        for (DebugImage image : event.getDebugMeta().getImages()) {
            if (image.getCodeFile().startsWith("/") && Files.isRegularFile(Path.of(image.getCodeFile()))) {
                assertNotNull(image.getDebugId(), "build-id or .text hash: " + image.getCodeFile());
            }
            assertTrue(!image.getCodeFile().endsWith(" (deleted)"), image.getCodeFile());
        }
        DebugImage testlib = event.getDebugMeta().getImages().stream()
                .filter(i -> i.getCodeFile().equals(TestJvm.TESTLIB.toString())).findFirst().orElseThrow();
        assertEquals(DebugId.debugId(testlib.getCodeId()), testlib.getDebugId());
    }
}
